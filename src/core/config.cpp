// TOML reading/writing and validation of the configuration structs.
#include "core/config.h"

#include <fstream>

#include "core/config_toml.h"
#include "core/error.h"

namespace audiogan {
namespace {

using config_toml::render_line;
using config_toml::str;
using config_toml::visit_frontend;

void require(bool condition, const std::string& flag, const std::string& expected,
             const std::string& found) {
  config_toml::require(condition, "config", flag, expected, found);
}

template <typename Visitor>
void visit_train(TrainConfig& c, Visitor&& visit) {
  visit("arch", c.arch);
  visit("epochs", c.epochs);
  visit("max_steps", c.max_steps);
  visit("batch", c.batch);
  visit("width", c.width);
  visit("latent", c.latent);
  visit("lr_g", c.lr_g);
  visit("lr_d", c.lr_d);
  visit("beta1", c.beta1);
  visit("beta2", c.beta2);
  visit("loss", c.loss);
  visit("critic_steps", c.critic_steps);
  visit("gp_weight", c.gp_weight);
  visit("drift", c.drift);
  visit("attention", c.attention);
  visit("spectral_norm", c.spectral_norm);
  visit("mode_seeking", c.mode_seeking);
  visit("augment", c.augment);
  visit("balance", c.balance);
  visit("lengths", c.lengths);
  visit("buckets", c.buckets);
  visit("vocoder", c.vocoder);
  visit("amp", c.amp);
  visit("device", c.device);
  visit("seed", c.seed);
  visit("threads", c.threads);
  visit("checkpoint_every", c.checkpoint_every);
  visit("keep_checkpoints", c.keep_checkpoints);
  visit("eval_every", c.eval_every);
  visit("ema_decay", c.ema_decay);
  visit("time_budget_s", c.time_budget_s);
  visit("max_bad_steps", c.max_bad_steps);
  visit("accumulate", c.accumulate);
  visit("dist_backend", c.dist_backend);
  visit("dist_timeout_s", c.dist_timeout_s);
}

}  // namespace

void FrontendConfig::validate() const {
  require(sample_rate >= 1000 && sample_rate <= 384000, "sample-rate", "[1000, 384000] Hz",
          str(sample_rate));
  require(n_fft >= 16 && n_fft <= 65536, "n-fft", "[16, 65536]", str(n_fft));
  require(win_length >= 1 && win_length <= n_fft, "win-length", "[1, n_fft=" + str(n_fft) + "]",
          str(win_length));
  require(hop_length >= 1 && hop_length <= win_length, "hop", "[1, win_length]", str(hop_length));
  require(n_mels >= 1 && n_mels <= n_fft / 2 + 1, "n-mels", "[1, n_fft/2+1]", str(n_mels));
  require(f_min >= 0.0, "f-min", ">= 0 Hz", str(f_min));
  require(f_max >= 0.0 && resolved_f_max() <= sample_rate / 2.0, "f-max",
          "(f_min, sample_rate/2] Hz or 0", str(f_max));
  require(f_min < resolved_f_max(), "f-min", "below f_max", str(f_min));
  require(mel_scale == "htk" || mel_scale == "slaney", "mel-scale", "{htk, slaney}", mel_scale);
  require(mel_norm == "none" || mel_norm == "slaney", "mel-norm", "{none, slaney}", mel_norm);
  require(frames >= 0 && frames <= 1 << 20, "frames", "[0, 1048576]", str(frames));
}

std::string FrontendConfig::to_string() const {
  return render_line(*this, [](auto& c, auto&& v) { visit_frontend(c, v); });
}

void TrainConfig::validate() const {
  require(arch == "seed" || arch == "default", "arch", "{seed, default}", arch);
  require(epochs >= 0, "epochs", ">= 0 (0 = 200, or no limit with --time-budget)", str(epochs));
  require(max_steps >= 0, "max-steps", ">= 0", str(max_steps));
  require(batch >= 1 && batch <= 4096, "batch", "[1, 4096]", str(batch));
  require(width >= 0 && width <= 1024, "width", "[0, 1024]", str(width));
  require(latent >= 1 && latent <= 4096, "latent", "[1, 4096]", str(latent));
  require(lr_g > 0 && lr_g < 1, "lr-g", "(0, 1)", str(lr_g));
  require(lr_d > 0 && lr_d < 1, "lr-d", "(0, 1)", str(lr_d));
  require(beta1 >= 0 && beta1 < 1, "beta1", "[0, 1)", str(beta1));
  require(beta2 >= 0 && beta2 < 1, "beta2", "[0, 1)", str(beta2));
  require(loss.empty() || loss == "bce" || loss == "hinge" || loss == "wgan-gp", "loss",
          "{bce, hinge, wgan-gp}", loss);
  require(critic_steps >= 0 && critic_steps <= 100, "critic-steps", "[0, 100]", str(critic_steps));
  require(gp_weight >= 0 && gp_weight <= 1e4, "gp-weight", "[0, 10000]", str(gp_weight));
  require(drift >= 0 && drift <= 1, "drift", "[0, 1]", str(drift));
  attention_rows();  // throws on a malformed list
  require(spectral_norm == "auto" || spectral_norm == "on" || spectral_norm == "off",
          "spectral-norm", "{auto, on, off}", spectral_norm);
  require(spectral_norm != "on" || arch == "default", "spectral-norm",
          "auto or off with --arch seed (the seed D has no spectral norm)", spectral_norm);
  require(mode_seeking < 0 || mode_seeking <= 100, "mode-seeking", "[0, 100] or < 0 (arch default)",
          str(mode_seeking));
  require(balance == "none" || balance == "classes", "balance", "{none, classes}", balance);
  require(lengths == "auto" || lengths == "fixed" || lengths == "variable", "lengths",
          "{auto, fixed, variable}", lengths);
  require(buckets >= 1 && buckets <= 16, "buckets", "[1, 16]", str(buckets));
  // auto resolves to fixed wherever variable lengths are not supported.
  require(lengths != "variable" || arch == "default", "lengths",
          "fixed or auto with --arch seed (the seeds' 512 frames)", lengths);
  require(lengths != "variable" || balance == "none", "lengths",
          "fixed or auto with --balance classes (length buckets draw every clip once)", lengths);
  require(lengths != "variable" || accumulate == 1, "lengths",
          "fixed or auto with --accumulate or torchrun (one process per run for now)", lengths);
  require(!vocoder.empty(), "vocoder", "griffin-lim or a train-vocoder folder", vocoder);
  require(amp == "auto" || amp == "off" || amp == "bf16" || amp == "fp16", "amp",
          "{auto, off, bf16, fp16}", amp);
  require(device == "auto" || device == "cpu" || device == "cuda", "device", "{auto, cpu, cuda}",
          device);
  require(threads >= 0 && threads <= 1024, "threads", "[0, 1024]", str(threads));
  require(checkpoint_every >= 0, "checkpoint-every", ">= 0", str(checkpoint_every));
  require(keep_checkpoints >= 1, "keep", ">= 1", str(keep_checkpoints));
  require(eval_every >= 0, "eval-every", ">= 0", str(eval_every));
  require(ema_decay >= 0 && ema_decay < 1, "ema", "[0, 1)", str(ema_decay));
  require(time_budget_s >= 0, "time-budget", ">= 0 s", str(time_budget_s));
  require(max_bad_steps >= 1 && max_bad_steps <= 1000000, "max-bad-steps", "[1, 1000000]",
          str(max_bad_steps));
  require(accumulate >= 1 && accumulate <= 1024, "accumulate", "[1, 1024]", str(accumulate));
  require(dist_backend == "auto" || dist_backend == "gloo" || dist_backend == "nccl",
          "dist-backend", "{auto, gloo, nccl}", dist_backend);
  require(dist_timeout_s > 0, "dist-timeout", "> 0 s", str(dist_timeout_s));
}

std::string TrainConfig::to_string() const {
  return render_line(*this, [](auto& c, auto&& v) { visit_train(c, v); });
}

// Mode-seeking weight of --arch default (docs/design.md, docs/EXPERIMENTS.md).
constexpr double kDefaultModeSeeking = 1.0;

int TrainConfig::resolved_epochs() const {
  if (epochs > 0) return epochs;
  return time_budget_s > 0 ? 0 : kDefaultEpochs;
}

bool TrainConfig::resolved_spectral_norm() const {
  return arch == "default" && spectral_norm != "off";
}

int TrainConfig::resolved_critic_steps() const {
  if (critic_steps > 0) return critic_steps;
  return loss == "wgan-gp" ? 5 : 1;
}

std::vector<int> TrainConfig::attention_rows() const {
  std::vector<int> rows;
  require(attention.empty() || attention.back() != ',', "attention",
          "a comma list of stage heights in mel rows (e.g. 32 or 32,64)", "'" + attention + "'");
  std::stringstream in(attention);
  std::string item;
  while (std::getline(in, item, ',')) {
    size_t used = 0;
    int value = 0;
    try {
      value = std::stoi(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    require(used == item.size() && !item.empty() && value >= 1, "attention",
            "a comma list of stage heights in mel rows (e.g. 32 or 32,64)", "'" + attention + "'");
    rows.push_back(value);
  }
  return rows;
}

void TrainConfig::apply_loss_defaults() {
  if (loss != "wgan-gp") return;
  const TrainConfig defaults;
  if (lr_g == defaults.lr_g) lr_g = 1e-4;
  if (lr_d == defaults.lr_d) lr_d = 1e-4;
  if (beta1 == defaults.beta1) beta1 = 0.0;
  if (beta2 == defaults.beta2) beta2 = 0.9;
}

double TrainConfig::resolved_mode_seeking() const {
  if (mode_seeking >= 0) return mode_seeking;
  return arch == "seed" ? 0.0 : kDefaultModeSeeking;
}

// --arch default augments D's inputs on small training sets (docs/design.md): measured at the
// 25-minute budget, it lifted the 352-clip drums from 22 % to 59 % conditional accuracy and cost
// the 4080-clip digits 9 points.
constexpr int64_t kAugmentBelowClips = 1000;

std::string TrainConfig::resolved_augment(int64_t train_clips) const {
  if (augment != "auto") return augment;
  if (arch == "seed") return "none";
  return train_clips < kAugmentBelowClips ? "translation,cutout" : "none";
}

void Config::validate() const {
  frontend.validate();
  train.validate();
}

std::string Config::to_toml() const {
  return config_toml::run_file(frontend, "train", train,
                               [](auto& c, auto&& v) { visit_train(c, v); });
}

Config Config::from_toml_string(const std::string& text, const std::string& origin) {
  const toml::table root = config_toml::parse(text, origin, "config");
  config_toml::check_tables(root, {"frontend", "train"}, origin, "config");
  Config config;
  config_toml::read_table(root, "frontend", origin, "config", config.frontend,
                          [](auto& c, auto&& v) { visit_frontend(c, v); });
  config_toml::read_table(root, "train", origin, "config", config.train,
                          [](auto& c, auto&& v) { visit_train(c, v); });
  return config;
}

Config Config::from_toml_file(const std::string& path) {
  return from_toml_string(config_toml::read_file(path, "config"), path);
}

void Config::save(const std::string& path) const {
  std::ofstream out(path);
  if (!out) throw IoError("config: cannot write " + path);
  out << to_toml();
  if (!out) throw IoError("config: write failed for " + path);
}

}  // namespace audiogan
