// Settings of the learned vocoder (`audiogan train-vocoder`): the model's size and the
// reconstruction-loss training recipe. The front end is not here: a vocoder is trained for, and
// recorded with, the FrontendConfig of the data it inverts (vocoder_checkpoint.h).
#pragma once

#include <cstdint>
#include <string>

#include "core/config.h"

namespace audiogan {

struct VocoderConfig {
  // Model (vocoder/frame_vocoder.h). "vocos" is the frame-rate ConvNeXt + iSTFT design; the
  // GPU-oriented "hifigan" design of issue #18 will be a second value here.
  std::string arch = "vocos";  // {vocos}
  int dim = 256;               // backbone channels, [8, 2048]
  int blocks = 8;              // ConvNeXt blocks, [1, 64]
  int intermediate = 768;      // pointwise hidden width of each block, [8, 8192]
  double max_magnitude = 1e3;  // exp(log-magnitude) is clipped here, (0, 1e6]

  // Training (vocoder/vocoder_trainer.h).
  int segment_frames = 32;    // frames per training segment (segment = frames * hop samples)
  int batch = 16;             // segments per step, [1, 4096]
  int steps_per_epoch = 200;  // an epoch is this many steps, [1, inf)
  int epochs = 1000;          // [1, inf)
  int64_t max_steps = 0;      // stop after this many steps in total; 0 = no limit
  double lr = 5e-4;           // AdamW, (0, 1)
  double beta1 = 0.8;         // AdamW betas as HiFi-GAN / Vocos
  double beta2 = 0.99;
  double weight_decay = 0.01;  // AdamW decoupled weight decay, [0, 1)
  // Loss weights. Without an adversarial term only their ratio matters (Adam is invariant to the
  // loss scale); equal weights are a starting point, not a measured optimum.
  double mel_weight = 1.0;          // weight of the mel L1 loss, [0, inf)
  double stft_weight = 1.0;         // weight of the multi-resolution STFT loss, [0, inf)
  double max_clip_seconds = 4.0;    // each training file's first seconds are used, (0, 600]
  int eval_clips = 8;               // fixed held-out clips re-synthesised every epoch, [0, 1000]
  int griffin_lim_iterations = 32;  // the baseline the held-out measures are compared with
  std::string device = "auto";      // {auto, cpu, cuda}
  uint64_t seed = 0;
  int threads = 0;           // intra-op threads; 0 = every core
  double time_budget_s = 0;  // stop (and checkpoint) after this much wall time; 0 = none
  // Data-parallel training under torchrun (docs/training.md), as TrainConfig's: an optimiser
  // step averages the gradients of `accumulate` micro-batches of `batch` on each process.
  int accumulate = 1;                 // micro-batches per optimiser step, [1, 1024]
  std::string dist_backend = "auto";  // {auto, gloo, nccl}; auto = nccl on CUDA, else gloo
  double dist_timeout_s = 300;        // a collective waits this long for the other ranks, (0, inf)

  // Throws ConfigError naming the flag that is out of range.
  void validate() const;
  // One line naming every setting.
  std::string to_string() const;
};

// What `train-vocoder --config F` reads: the [frontend] table (as `train` reads it) and a
// [vocoder] table; unknown tables and keys are errors.
struct VocoderRunConfig {
  FrontendConfig frontend;
  VocoderConfig vocoder;

  void validate() const;
  std::string to_toml() const;
  static VocoderRunConfig from_toml_string(const std::string& text, const std::string& origin);
  static VocoderRunConfig from_toml_file(const std::string& path);
};

// The front end with `frames` cleared: the settings that decide what a log-mel frame means.
// Vocoders are matched to data on this, since a vocoder works at any frame count.
std::string frontend_identity(const FrontendConfig& frontend);

// Throws DataError when `vocoder` and `data` front ends differ in anything but frames, naming
// `origin`, each differing setting and both values (e.g. "sample_rate: vocoder 16000, data
// 22050").
void check_frontend_match(const FrontendConfig& vocoder, const FrontendConfig& data,
                          const std::string& origin);

}  // namespace audiogan
