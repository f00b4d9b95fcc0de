// Validation, printing and TOML of the vocoder's settings.
#include "vocoder/vocoder_config.h"

#include "core/config_toml.h"
#include "core/error.h"

namespace audiogan {
namespace {

using config_toml::render_line;
using config_toml::str;
using config_toml::visit_frontend;

constexpr const char* kComponent = "vocoder config";

void require(bool condition, const std::string& flag, const std::string& expected,
             const std::string& found) {
  config_toml::require(condition, kComponent, flag, expected, found);
}

template <typename Config, typename Visitor>
void visit_vocoder(Config& c, Visitor&& visit) {
  visit("arch", c.arch);
  visit("hifigan", c.hifigan);
  visit("hifigan_channels", c.hifigan_channels);
  visit("dim", c.dim);
  visit("blocks", c.blocks);
  visit("intermediate", c.intermediate);
  visit("max_magnitude", c.max_magnitude);
  visit("magnitude", c.magnitude);
  visit("phase", c.phase);
  visit("segment_frames", c.segment_frames);
  visit("batch", c.batch);
  visit("steps_per_epoch", c.steps_per_epoch);
  visit("epochs", c.epochs);
  visit("max_steps", c.max_steps);
  visit("lr", c.lr);
  visit("beta1", c.beta1);
  visit("beta2", c.beta2);
  visit("weight_decay", c.weight_decay);
  visit("mel_weight", c.mel_weight);
  visit("stft_weight", c.stft_weight);
  visit("phase_weight", c.phase_weight);
  visit("adversarial", c.adversarial);
  visit("adversarial_from", c.adversarial_from);
  visit("adversarial_weight", c.adversarial_weight);
  visit("feature_weight", c.feature_weight);
  visit("lr_decay", c.lr_decay);
  visit("max_clip_seconds", c.max_clip_seconds);
  visit("eval_clips", c.eval_clips);
  visit("griffin_lim_iterations", c.griffin_lim_iterations);
  visit("device", c.device);
  visit("amp", c.amp);
  visit("seed", c.seed);
  visit("threads", c.threads);
  visit("time_budget_s", c.time_budget_s);
  visit("accumulate", c.accumulate);
  visit("dist_backend", c.dist_backend);
  visit("dist_timeout_s", c.dist_timeout_s);
}

}  // namespace

VocoderConfig VocoderConfig::for_arch(const std::string& arch) {
  VocoderConfig c;
  require(arch == "vocos" || arch == "hifigan", "arch", "{vocos, hifigan}", arch);
  c.arch = arch;
  if (arch == "hifigan") {
    c.lr = 2e-4;
    c.lr_decay = 0.999;
    c.mel_weight = 45;
    c.stft_weight = 0;
  }
  return c;
}

bool VocoderConfig::adversarial_enabled() const {
  return adversarial == "on" || (adversarial == "auto" && arch == "hifigan");
}

void VocoderConfig::validate() const {
  require(arch == "vocos" || arch == "hifigan", "arch", "{vocos, hifigan}", arch);
  require(hifigan == "v1" || hifigan == "v2" || hifigan == "v3", "hifigan", "{v1, v2, v3}",
          hifigan);
  // Each of up to four upsamplings halves the channels.
  require(hifigan_channels == 0 ||
              (hifigan_channels >= 16 && hifigan_channels <= 4096 && hifigan_channels % 16 == 0),
          "hifigan-channels", "0 or a multiple of 16 in [16, 4096]", str(hifigan_channels));
  require(dim >= 8 && dim <= 2048, "dim", "[8, 2048]", str(dim));
  require(blocks >= 1 && blocks <= 64, "blocks", "[1, 64]", str(blocks));
  require(intermediate >= 8 && intermediate <= 8192, "intermediate", "[8, 8192]",
          str(intermediate));
  require(max_magnitude > 0 && max_magnitude <= 1e6, "max-magnitude", "(0, 1e6]",
          str(max_magnitude));
  require(magnitude == "direct" || magnitude == "prior", "magnitude", "{direct, prior}", magnitude);
  require(phase == "direct" || phase == "integrated", "phase", "{direct, integrated}", phase);
  // Both shape vocos's head; HiFi-GAN has none, so asking for them there is a mistake.
  require(arch == "vocos" || magnitude == "direct", "magnitude", "direct with --arch hifigan",
          magnitude);
  require(arch == "vocos" || phase == "direct", "phase", "direct with --arch hifigan", phase);
  require(segment_frames >= 2 && segment_frames <= 4096, "segment-frames", "[2, 4096]",
          str(segment_frames));
  require(batch >= 1 && batch <= 4096, "batch", "[1, 4096]", str(batch));
  require(steps_per_epoch >= 1, "steps-per-epoch", ">= 1", str(steps_per_epoch));
  require(epochs >= 1, "epochs", ">= 1", str(epochs));
  require(max_steps >= 0, "max-steps", ">= 0", str(max_steps));
  require(lr > 0 && lr < 1, "lr", "(0, 1)", str(lr));
  require(beta1 >= 0 && beta1 < 1, "beta1", "[0, 1)", str(beta1));
  require(beta2 >= 0 && beta2 < 1, "beta2", "[0, 1)", str(beta2));
  require(weight_decay >= 0 && weight_decay < 1, "weight-decay", "[0, 1)", str(weight_decay));
  require(mel_weight >= 0, "mel-weight", ">= 0", str(mel_weight));
  require(stft_weight >= 0, "stft-weight", ">= 0", str(stft_weight));
  require(phase_weight >= 0, "phase-weight", ">= 0", str(phase_weight));
  require(mel_weight + stft_weight > 0, "mel-weight", "a positive sum with --stft-weight",
          str(mel_weight));
  require(adversarial == "auto" || adversarial == "on" || adversarial == "off", "adversarial",
          "{auto, on, off}", adversarial);
  require(adversarial_from >= 0, "adversarial-from", ">= 0", str(adversarial_from));
  require(adversarial_weight >= 0, "adversarial-weight", ">= 0", str(adversarial_weight));
  require(feature_weight >= 0, "feature-weight", ">= 0", str(feature_weight));
  require(lr_decay > 0 && lr_decay <= 1, "lr-decay", "(0, 1]", str(lr_decay));
  require(max_clip_seconds > 0 && max_clip_seconds <= 600, "max-clip-seconds", "(0, 600] s",
          str(max_clip_seconds));
  require(eval_clips >= 0 && eval_clips <= 1000, "eval-clips", "[0, 1000]", str(eval_clips));
  require(griffin_lim_iterations >= 1, "griffin-lim-iterations", ">= 1",
          str(griffin_lim_iterations));
  require(device == "auto" || device == "cpu" || device == "cuda", "device", "{auto, cpu, cuda}",
          device);
  require(amp == "off" || amp == "bf16", "amp", "{off, bf16}", amp);
  require(threads >= 0 && threads <= 1024, "threads", "[0, 1024]", str(threads));
  require(time_budget_s >= 0, "time-budget", ">= 0 s", str(time_budget_s));
  require(accumulate >= 1 && accumulate <= 1024, "accumulate", "[1, 1024]", str(accumulate));
  require(dist_backend == "auto" || dist_backend == "gloo" || dist_backend == "nccl",
          "dist-backend", "{auto, gloo, nccl}", dist_backend);
  require(dist_timeout_s > 0, "dist-timeout", "> 0 s", str(dist_timeout_s));
}

std::string VocoderConfig::to_string() const {
  return render_line(*this, [](auto& c, auto&& v) { visit_vocoder(c, v); });
}

void VocoderRunConfig::validate() const {
  frontend.validate();
  vocoder.validate();
}

std::string VocoderRunConfig::to_toml() const {
  return config_toml::run_file(frontend, "vocoder", vocoder,
                               [](auto& c, auto&& v) { visit_vocoder(c, v); });
}

VocoderRunConfig VocoderRunConfig::from_toml_string(const std::string& text,
                                                    const std::string& origin,
                                                    const std::string& arch) {
  const toml::table root = config_toml::parse(text, origin, kComponent);
  config_toml::check_tables(root, {"frontend", "vocoder"}, origin, kComponent);
  VocoderRunConfig config;
  const std::string table_arch = root["vocoder"]["arch"].value_or(std::string("vocos"));
  config.vocoder = VocoderConfig::for_arch(arch.empty() ? table_arch : arch);
  config_toml::read_table(root, "frontend", origin, kComponent, config.frontend,
                          [](auto& c, auto&& v) { visit_frontend(c, v); });
  config_toml::read_table(root, "vocoder", origin, kComponent, config.vocoder,
                          [](auto& c, auto&& v) { visit_vocoder(c, v); });
  return config;
}

VocoderRunConfig VocoderRunConfig::from_toml_file(const std::string& path,
                                                  const std::string& arch) {
  return from_toml_string(config_toml::read_file(path, kComponent), path, arch);
}

std::string frontend_identity(const FrontendConfig& frontend) {
  FrontendConfig copy = frontend;
  copy.frames = 0;
  return copy.to_string();
}

void check_frontend_match(const FrontendConfig& vocoder, const FrontendConfig& data,
                          const std::string& origin) {
  std::string differences;
  auto compare = [&](const char* key, const auto& a, const auto& b) {
    if (a == b) return;
    differences += std::string(differences.empty() ? "" : "; ") + key + ": vocoder " + str(a) +
                   ", data " + str(b);
  };
  compare("sample_rate", vocoder.sample_rate, data.sample_rate);
  compare("n_fft", vocoder.n_fft, data.n_fft);
  compare("win_length", vocoder.win_length, data.win_length);
  compare("hop_length", vocoder.hop_length, data.hop_length);
  compare("n_mels", vocoder.n_mels, data.n_mels);
  compare("f_min", vocoder.f_min, data.f_min);
  compare("f_max", vocoder.resolved_f_max(), data.resolved_f_max());
  compare("mel_scale", vocoder.mel_scale, data.mel_scale);
  compare("mel_norm", vocoder.mel_norm, data.mel_norm);
  if (!differences.empty()) {
    throw DataError("vocoder: " + origin + " was trained for another front end than the data's (" +
                    differences +
                    "); train a vocoder with this front end (audiogan train-vocoder) or use "
                    "--vocoder griffin-lim");
  }
}

}  // namespace audiogan
