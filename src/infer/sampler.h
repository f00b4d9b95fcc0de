// Sampling from a trained checkpoint: the generator (EMA weights when present), its class names,
// front end and normalisation, turned into log-mels and audio. Used by generate, evaluate, serve.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "core/config.h"
#include "dsp/vocoder.h"

namespace audiogan {

class Sampler {
 public:
  // Loads a checkpoint written by the trainer; throws IoError/DataError naming the path.
  static Sampler load(const std::string& checkpoint_path, const std::string& device = "cpu");

  const std::vector<std::string>& class_names() const;
  const FrontendConfig& frontend() const;
  int latent() const;
  // A class by name or by decimal index; throws DataError listing the known classes.
  int class_index(const std::string& name_or_index) const;

  // The truncation sampling uses unless told otherwise: kDefaultTruncation for --arch default
  // (docs/design.md: measured to trade the generator's over-spread for class fidelity), 0 (none)
  // for --arch seed, as the seeds sample, and for a model trained with --loss wgan-gp (measured
  // worse truncated).
  static constexpr double kDefaultTruncation = 0.85;
  double default_truncation() const;
  // Latent vectors [count, latent]: deterministic given the seed; truncation > 0 resamples
  // components whose magnitude exceeds it (the truncation trick), 0 draws plain N(0, 1) and
  // truncation < 0 means default_truncation().
  torch::Tensor latents(int count, uint64_t seed, double truncation = 0.0) const;
  // z [B, latent], labels [B] int64 -> log-mels [B, n_mels, frames] in log1p units (denormalised).
  // A variable-length model makes clip i frames[i] long ([B] int64; undefined: every clip the
  // longest), silent after; a fixed-length model takes no frames.
  torch::Tensor generate_log_mel(const torch::Tensor& z, const torch::Tensor& labels,
                                 const torch::Tensor& frames = {}) const;
  // Whether the model makes clips of their own lengths (trained with --lengths variable).
  bool variable_length() const;
  // The longest clip the model makes, in seconds (every clip's length for a fixed-length model).
  double max_seconds() const;
  // A clip's length in frames: `seconds` > 0 converted (ConfigError for a fixed-length model or
  // beyond max_seconds()); else for a variable-length model a draw from the class's training
  // lengths that depends on `seed` alone; else the model's frames.
  int64_t clip_frames(int class_index, uint64_t seed, double seconds = 0) const;
  // Convenience: `count` clips of one class from `seed` (a variable-length model draws their
  // lengths from the seed too).
  torch::Tensor generate_log_mel(int class_index, int count, uint64_t seed,
                                 double truncation = 0.0) const;
  // log-mels [B, n_mels, frames] -> one waveform per row at frontend().sample_rate, by the
  // vocoder of use_vocoder(), else Griffin-Lim with `options` (whose seed seeds either).
  std::vector<std::vector<float>> to_audio(const torch::Tensor& log_mels,
                                           const dsp::GriffinLimOptions& options = {}) const;
  // Makes audio with `vocoder` (e.g. a learned one) from now on, in every copy of this Sampler;
  // an empty function returns to Griffin-Lim. `name` is what vocoder_name() reports.
  void use_vocoder(dsp::MelVocoder vocoder, std::string name);
  const std::string& vocoder_name() const;  // "griffin-lim" unless use_vocoder() was called
  // The vocoder the run was trained with (`train --vocoder`, config.train.vocoder): "griffin-lim"
  // or a vocoder checkpoint's path; not loaded here (the CLI loads it). An export: griffin-lim.
  const std::string& recorded_vocoder() const;

  // How clips are numbered from a seed, the same for `generate --seed S --count N` and the
  // server's /api/generate (docs/api.md): clip i has seed S + i (mod 2^64), and its latent and
  // Griffin-Lim phase depend on that seed alone, so clip i of any request is the clip that seed
  // S + i with count 1 gives, whichever path asked.
  static uint64_t clip_seed(uint64_t first_seed, int64_t index);
  // Latents [seeds.size(), latent]: row i is latents(1, seeds[i], truncation).
  torch::Tensor clip_latents(const std::vector<uint64_t>& seeds, double truncation) const;
  struct Clips {
    torch::Tensor log_mels;                 // [N, n_mels, frames], log1p units
    std::vector<std::vector<float>> audio;  // clip i vocoded with Griffin-Lim seeded seeds[i]
    std::vector<int64_t> frames;            // clip i's length (its audio is cut to it)
  };
  // The clips of one class for `seeds`, as above, each made alone (G and Griffin-Lim), so a clip
  // is bit-identical whichever request it came in; `griffin_lim.seed` is replaced by each clip's
  // seed.
  // Each clip's length is clip_frames(class_index, seed, seconds).
  Clips generate_clips(int class_index, const std::vector<uint64_t>& seeds, double truncation,
                       dsp::GriffinLimOptions griffin_lim = {}, double seconds = 0) const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// `steps` latents [steps, latent] on the great circle from a [latent] to b [latent] (spherical
// interpolation, Shoemake 1985), endpoints included; steps == 1 gives a alone. Keeps every point
// at a typical Gaussian norm where a straight line would pass near the origin; falls back to the
// straight line when a and b point the same way. `generate --interpolate` walks it.
torch::Tensor slerp_path(const torch::Tensor& a, const torch::Tensor& b, int steps);

}  // namespace audiogan
