// Sampler (see sampler.h): loads a training checkpoint or an exported generator.
#include "infer/sampler.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <mutex>

#include "core/error.h"
#include "model/clip_length.h"
#include "model/gan_models.h"
#include "train/checkpoint.h"
#include "train/export.h"
#include "train/normalisation.h"

namespace audiogan {

struct Sampler::State {
  std::shared_ptr<GeneratorBase> generator;
  ModelSpec spec;
  std::string loss;  // the training loss as configured (empty = the arch's default)
  std::vector<std::string> class_names;
  FrontendConfig frontend;
  Normalisation normalisation;
  std::vector<std::vector<int64_t>> class_frames;  // variable-length models
  torch::Device device{torch::kCPU};
  dsp::MelVocoder vocoder;  // empty = Griffin-Lim
  std::string vocoder_name = "griffin-lim";
  std::string recorded_vocoder = "griffin-lim";  // the run's config.train.vocoder
  std::mutex mutex;  // one forward at a time (the server calls from several threads)
};

Sampler Sampler::load(const std::string& checkpoint_path, const std::string& device) {
  auto state = std::make_shared<State>();
  state->device = torch::Device(device == "cuda" ? torch::kCUDA : torch::kCPU);
  if (is_checkpoint_file(checkpoint_path)) {
    CheckpointReader reader(checkpoint_path, state->device);
    const auto& meta = reader.meta();
    state->spec = meta.spec;
    state->class_names = meta.class_names;
    const Config config = Config::from_toml_string(meta.config_toml, checkpoint_path);
    state->frontend = config.frontend;
    state->loss = config.train.loss;
    state->recorded_vocoder = config.train.vocoder;
    state->normalisation = meta.normalisation;
    state->class_frames = meta.class_frames;
    state->generator = make_generator(state->spec);
    reader.load_module(meta.has_ema ? "ema_generator" : "generator", *state->generator);
  } else {
    ExportedGenerator exported = load_exported_generator(checkpoint_path, state->device);
    state->spec = exported.spec;
    state->class_names = exported.class_names;
    state->frontend = exported.frontend;
    state->loss = exported.loss;
    state->normalisation = exported.normalisation;
    state->generator = exported.generator;
  }
  state->generator->to(state->device);
  state->generator->eval();
  Sampler sampler;
  sampler.state_ = state;
  return sampler;
}

const std::vector<std::string>& Sampler::class_names() const {
  return state_->class_names;
}
const FrontendConfig& Sampler::frontend() const {
  return state_->frontend;
}
int Sampler::latent() const {
  return state_->spec.latent;
}

int Sampler::class_index(const std::string& name_or_index) const {
  const auto& names = state_->class_names;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name_or_index) return static_cast<int>(i);
  }
  const bool digits =
      !name_or_index.empty() && name_or_index.find_first_not_of("0123456789") == std::string::npos;
  if (digits && name_or_index.size() < 9) {
    const int index = std::stoi(name_or_index);
    if (index < static_cast<int>(names.size())) return index;
  }
  std::string known;
  for (size_t i = 0; i < names.size(); ++i) {
    known += (i ? ", " : "") + std::to_string(i) + "=" + names[i];
  }
  throw DataError("sampler: unknown class '" + name_or_index + "'; the model knows " +
                  std::to_string(names.size()) + " classes: " + known);
}

double Sampler::default_truncation() const {
  // WGAN-GP generators were measured worse truncated (docs/EXPERIMENTS.md): their clips turn to
  // broadband noise over the whole canvas at 0.85, and untruncated they keep the data's silences.
  if (state_->spec.arch == "seed" || state_->loss == "wgan-gp") return 0.0;
  return kDefaultTruncation;
}

torch::Tensor Sampler::latents(int count, uint64_t seed, double truncation) const {
  if (truncation < 0) truncation = default_truncation();
  auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  auto z = torch::randn({count, state_->spec.latent}, generator, torch::kFloat);  // [count, L]
  if (truncation > 0) {
    // Resample components outside [-t, t] (the truncation trick, Brock et al. 2019, BigGAN).
    for (int round = 0; round < 1000; ++round) {
      auto outside = z.abs() > truncation;
      if (!outside.any().item<bool>()) break;
      z = torch::where(outside, torch::randn(z.sizes(), generator, torch::kFloat), z);
    }
    z = z.clamp(-truncation, truncation);
  }
  return z;
}

torch::Tensor Sampler::generate_log_mel(const torch::Tensor& z, const torch::Tensor& labels,
                                        const torch::Tensor& frames) const {
  torch::NoGradGuard no_grad;
  std::lock_guard<std::mutex> lock(state_->mutex);
  const auto device_z = z.to(state_->device, torch::kFloat);
  const auto device_labels = labels.to(state_->device, torch::kLong);
  if (!frames.defined()) {
    const auto out = state_->generator->forward(device_z, device_labels);
    return state_->normalisation.from_model(out).squeeze(1).cpu();  // [B, n_mels, frames]
  }
  const auto out = state_->generator->forward_lengths(
      device_z, device_labels, frames.to(state_->device, torch::kLong), state_->spec.frames);
  return state_->normalisation.from_model(out).squeeze(1).cpu();  // [B, n_mels, frames]
}

bool Sampler::variable_length() const {
  return state_->spec.variable_length;
}

double Sampler::max_seconds() const {
  return static_cast<double>(state_->spec.frames) * state_->frontend.hop_length /
         state_->frontend.sample_rate;
}

namespace {
// "2.5", "5.94": seconds as a person reads them.
std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", seconds);
  return text;
}
}  // namespace

// Salt of the length draws, so a clip's length and its latent are independent streams.
constexpr uint64_t kLengthSeedSalt = 0x1e9c7f3a5b2d4e61ull;

int64_t Sampler::clip_frames(int class_index, uint64_t seed, double seconds) const {
  const auto& spec = state_->spec;
  if (seconds > 0) {
    if (!spec.variable_length) {
      throw ConfigError(
          "sampler: a length (--seconds) needs a model trained with --lengths "
          "variable; this one makes every clip " +
          seconds_text(max_seconds()) + " s long");
    }
    if (seconds > max_seconds() + 1e-9) {
      throw ConfigError("sampler: --seconds " + seconds_text(seconds) +
                        " is longer than this model's longest clip (" +
                        seconds_text(max_seconds()) + " s)");
    }
    const auto frames = static_cast<int64_t>(
        std::lround(seconds * state_->frontend.sample_rate / state_->frontend.hop_length));
    return std::clamp<int64_t>(frames, 1, spec.frames);
  }
  if (!spec.variable_length || state_->class_frames.empty()) return spec.frames;
  auto generator = at::make_generator<at::CPUGeneratorImpl>(seed ^ kLengthSeedSalt);
  return draw_frames(state_->class_frames, torch::full({1}, class_index, torch::kLong), generator)
      .item<int64_t>();
}

torch::Tensor Sampler::generate_log_mel(int class_index, int count, uint64_t seed,
                                        double truncation) const {
  if (class_index < 0 || class_index >= static_cast<int>(state_->class_names.size())) {
    throw DataError("sampler: class index " + std::to_string(class_index) + " is outside [0, " +
                    std::to_string(state_->class_names.size()) + ")");
  }
  auto labels = torch::full({count}, class_index, torch::kLong);
  torch::Tensor frames;
  if (state_->spec.variable_length && !state_->class_frames.empty()) {
    auto generator = at::make_generator<at::CPUGeneratorImpl>(seed ^ kLengthSeedSalt);
    frames = draw_frames(state_->class_frames, labels, generator);
  }
  return generate_log_mel(latents(count, seed, truncation), labels, frames);
}

torch::Tensor slerp_path(const torch::Tensor& a, const torch::Tensor& b, int steps) {
  const double cosine = (a / a.norm()).dot(b / b.norm()).item<double>();
  const double omega = std::acos(std::clamp(cosine, -1.0, 1.0));
  std::vector<torch::Tensor> points;
  for (int i = 0; i < steps; ++i) {
    const double t = steps == 1 ? 0.0 : static_cast<double>(i) / (steps - 1);
    if (omega < 1e-6) {
      points.push_back(a * (1 - t) + b * t);
    } else {
      points.push_back(a * (std::sin((1 - t) * omega) / std::sin(omega)) +
                       b * (std::sin(t * omega) / std::sin(omega)));
    }
  }
  return torch::stack(points);  // [steps, latent]
}

uint64_t Sampler::clip_seed(uint64_t first_seed, int64_t index) {
  return first_seed + static_cast<uint64_t>(index);  // unsigned: wraps, never overflows
}

torch::Tensor Sampler::clip_latents(const std::vector<uint64_t>& seeds, double truncation) const {
  // One generator per clip, not one for the batch: a clip must not depend on its neighbours.
  std::vector<torch::Tensor> rows;
  rows.reserve(seeds.size());
  for (uint64_t seed : seeds) rows.push_back(latents(1, seed, truncation));
  if (rows.empty()) return torch::empty({0, latent()});
  return torch::cat(rows, 0);  // [N, latent]
}

Sampler::Clips Sampler::generate_clips(int class_index, const std::vector<uint64_t>& seeds,
                                       double truncation, dsp::GriffinLimOptions griffin_lim,
                                       double seconds) const {
  // One clip at a time, through G and through Griffin-Lim: a batched forward rounds differently
  // with the batch's size (measured: 3 LSB of 16-bit audio), and a batch's random initial phase
  // would tie a clip to its position. So a clip is bit-identical whatever it was asked with.
  Clips clips;
  const torch::Tensor label = torch::full({1}, class_index, torch::kLong);
  std::vector<torch::Tensor> log_mels;
  const bool by_length = state_->spec.variable_length;
  for (uint64_t seed : seeds) {
    const int64_t frames = clip_frames(class_index, seed, seconds);
    const auto frames_tensor = by_length ? torch::full({1}, frames, torch::kLong) : torch::Tensor();
    log_mels.push_back(generate_log_mel(clip_latents({seed}, truncation), label,
                                        frames_tensor));  // [1, M, F]
    griffin_lim.seed = seed;
    auto audio = to_audio(log_mels.back(), griffin_lim).at(0);
    // A clip ends where its frames end, not at the longest clip's silence.
    const auto samples = static_cast<size_t>(frames * state_->frontend.hop_length);
    if (by_length && audio.size() > samples) audio.resize(samples);
    clips.audio.push_back(std::move(audio));
    clips.frames.push_back(frames);
  }
  clips.log_mels = log_mels.empty() ? torch::empty({0, frontend().n_mels, frontend().frames})
                                    : torch::cat(log_mels, 0);  // [N, n_mels, frames], CPU
  return clips;
}

std::vector<std::vector<float>> Sampler::to_audio(const torch::Tensor& log_mels,
                                                  const dsp::GriffinLimOptions& options) const {
  auto mels = log_mels.to(torch::kCPU, torch::kFloat);
  if (mels.dim() == 2) mels = mels.unsqueeze(0);
  auto audio = (state_->vocoder ? state_->vocoder(mels, options.seed)
                                : dsp::log_mel_to_audio(mels, state_->frontend, options))
                   .contiguous();  // [B, T]
  std::vector<std::vector<float>> clips;
  for (int64_t i = 0; i < audio.size(0); ++i) {
    auto row = audio[i].contiguous();
    clips.emplace_back(row.data_ptr<float>(), row.data_ptr<float>() + row.numel());
  }
  return clips;
}

void Sampler::use_vocoder(dsp::MelVocoder vocoder, std::string name) {
  state_->vocoder = std::move(vocoder);
  state_->vocoder_name = state_->vocoder ? std::move(name) : "griffin-lim";
}

const std::string& Sampler::vocoder_name() const {
  return state_->vocoder_name;
}

const std::string& Sampler::recorded_vocoder() const {
  return state_->recorded_vocoder;
}

}  // namespace audiogan
