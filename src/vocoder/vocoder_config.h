// Settings of the learned vocoder (`audiogan train-vocoder`): the model's size and the
// reconstruction-loss training recipe. The front end is not here: a vocoder is trained for, and
// recorded with, the FrontendConfig of the data it inverts (vocoder_checkpoint.h).
#pragma once

#include <cstdint>
#include <string>

#include "core/config.h"

namespace audiogan {

struct VocoderConfig {
  // Model (vocoder/vocoder_model.h). "vocos" is the frame-rate ConvNeXt + iSTFT design for the
  // CPU (vocoder/frame_vocoder.h); "hifigan" is HiFi-GAN's generator (vocoder/hifigan.h), whose
  // recipe differs in its defaults (for_arch).
  std::string arch = "vocos";  // {vocos, hifigan}
  std::string hifigan = "v1";  // HiFi-GAN's configuration, {v1, v2, v3}
  int hifigan_channels = 0;    // its first upsampling's input channels; 0 = the configuration's
  int dim = 256;               // backbone channels, [8, 2048]
  int blocks = 8;              // ConvNeXt blocks, [1, 64]
  int intermediate = 768;      // pointwise hidden width of each block, [8, 8192]
  double max_magnitude = 1e3;  // exp(log-magnitude) is clipped here, (0, 1e6]
  // What vocos's head predicts as the log-magnitude: "direct" the whole of it (Vocos);
  // "prior" a correction to the log of the mel's pseudo-inverse magnitude, so training starts
  // from the spectral envelope Griffin-Lim inverts and the network learns the detail and the
  // phase (FreeV, Lv et al. 2024).
  std::string magnitude = "direct";  // {direct, prior}
  // vocos's phase: "direct" each frame's phase (Vocos); "integrated" also each frame's advance,
  // summed over time (frame_vocoder.h integrate_phase).
  std::string phase = "direct";  // {direct, integrated}

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
  double mel_weight = 1.0;    // weight of the mel L1 loss, [0, inf)
  double stft_weight = 1.0;   // weight of the multi-resolution STFT loss, [0, inf)
  double phase_weight = 0.0;  // weight of the phase-derivative loss (vocoder_losses.h), [0, inf)
  // The adversarial terms: HiFi-GAN's multi-period and multi-scale discriminators with their
  // least-squares losses and feature matching, added to the reconstruction losses from step
  // adversarial_from on (the discriminators exist, and are checkpointed, from step 0).
  std::string adversarial = "auto";  // {auto, on, off}; auto = on for hifigan, off for vocos
  int64_t adversarial_from = 0;      // the first step with adversarial terms, [0, inf)
  double adversarial_weight = 1.0;   // weight of the generator's least-squares loss, [0, inf)
  double feature_weight = 1.0;       // weight of feature matching (2 x the L1 sum, as HiFi-GAN)
  double lr_decay = 1.0;             // both learning rates are multiplied by this per epoch, (0, 1]
  double max_clip_seconds = 4.0;     // each training file's first seconds are used, (0, 600]
  int eval_clips = 8;                // fixed held-out clips re-synthesised every epoch, [0, 1000]
  int griffin_lim_iterations = 32;   // the baseline the held-out measures are compared with
  std::string device = "auto";       // {auto, cpu, cuda}
  // bf16 autocast of the vocoder's network (not its iSTFT, the losses or the discriminators,
  // which stay float32). Off by default: its effect on quality is not measured.
  std::string amp = "off";  // {off, bf16}
  uint64_t seed = 0;
  int threads = 0;           // intra-op threads; 0 = every core
  double time_budget_s = 0;  // stop (and checkpoint) after this much wall time; 0 = none
  // Data-parallel training under torchrun (docs/training.md), as TrainConfig's: an optimiser
  // step averages the gradients of `accumulate` micro-batches of `batch` on each process.
  int accumulate = 1;                 // micro-batches per optimiser step, [1, 1024]
  std::string dist_backend = "auto";  // {auto, gloo, nccl}; auto = nccl on CUDA, else gloo
  double dist_timeout_s = 300;        // a collective waits this long for the other ranks, (0, inf)

  // The defaults of an architecture's recipe: "vocos" the struct's; "hifigan" the paper's
  // (Kong et al. 2020, config_v1.json): AdamW lr 2e-4, lr decay 0.999 per epoch, mel L1
  // weight 45, no STFT loss, adversarial terms from step 0. Throws ConfigError otherwise.
  static VocoderConfig for_arch(const std::string& arch);
  // Whether the discriminators are trained (adversarial resolved for the arch).
  bool adversarial_enabled() const;

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
  // The [vocoder] table starts from VocoderConfig::for_arch of its own `arch` key (vocos when
  // absent), or of `arch` when given (a --arch flag over a file).
  static VocoderRunConfig from_toml_string(const std::string& text, const std::string& origin,
                                           const std::string& arch = "");
  static VocoderRunConfig from_toml_file(const std::string& path, const std::string& arch = "");
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
