// Training the frame-rate vocoder with reconstruction losses: random fixed-length segments of
// the training split's audio paired with their log-mel from the front end, AdamW, atomic
// checkpoints and resume, a time budget and a stop flag, one metrics line per epoch, and per
// epoch the re-synthesis of a few fixed held-out clips (WAVs and SC/LSD beside Griffin-Lim's).
// Library only: progress goes through callbacks; the caller prints.
//
// Data-parallel under torchrun (docs/training.md) through train/parallel_run.h, as `train`:
// every rank starts from rank 0's weights, a step's WORLD_SIZE x accumulate micro-batches are
// consecutive slices of the step's one segment draw, the gradients are averaged before each
// AdamW step, and rank 0 alone writes the folder below.
//
// Either architecture of vocoder_model.h. With adversarial terms (VocoderConfig::adversarial;
// on for --arch hifigan), HiFi-GAN's discriminators train beside it from step 0 and join its
// loss from step adversarial_from on: each such step is one discriminator step on the step's
// predictions (least squares), then one vocoder step on reconstruction + least-squares +
// feature-matching losses, as HiFi-GAN's train.py; the checkpoint then also holds
// "discriminator" and "optimizer_d", so a resumed run is bit-identical in either phase.
//
// Run directory:
//   VOC_DIR/config.toml                   the resolved VocoderRunConfig
//   VOC_DIR/metrics.jsonl                 one JSON line per epoch
//   VOC_DIR/loss.png, quality.png         plots of it (vocoder_plots.h)
//   VOC_DIR/checkpoints/last.pt           the newest checkpoint (vocoder_checkpoint.h)
//   VOC_DIR/audio/griffin_lim/<clip>.wav  the held-out clips through Griffin-Lim (once)
//   VOC_DIR/audio/epoch_XXX/<clip>_original.wav and <clip>_vocoder.wav
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vocoder/vocoder_config.h"

namespace audiogan {

namespace dist {
class ProcessGroup;
}

struct VocoderStepEvent {
  int64_t epoch = 0;  // 1-based
  int64_t epochs = 0;
  int64_t step = 0;           // optimizer steps in total, after this one
  int64_t step_in_epoch = 0;  // 1-based
  int64_t steps_per_epoch = 0;
  // Means over the step's micro-batches and ranks.
  double loss = 0, mel_l1 = 0, stft_sc = 0, stft_log_magnitude = 0;
  double phase = 0;  // the phase-derivative loss (0 when its weight is 0)
  // The adversarial terms (0 without them or before adversarial_from): the discriminators'
  // least-squares loss, and the vocoder's least-squares and feature-matching losses.
  double discriminator = 0, adversarial = 0, feature_matching = 0;
  double seconds = 0;  // wall time of this process so far
};

struct VocoderEpochEvent {
  int64_t epoch = 0;  // 1-based
  int64_t epochs = 0;
  nlohmann::json metrics;  // the line written to metrics.jsonl
};

struct VocoderTrainerCallbacks {
  std::function<void(const std::string&)> on_status;  // one-line notes (data, device, resume)
  std::function<void(const VocoderStepEvent&)> on_step;
  std::function<void(const VocoderEpochEvent&)> on_epoch;
  std::function<void(const std::string&)> on_warning;  // e.g. a file that cannot be decoded
};

struct VocoderTrainerOptions {
  VocoderRunConfig config;  // on resume, the checkpoint's (with the caller's allowed changes)
  std::string data_root;    // class-folder dataset; its "train" split is trained on
  std::string out_dir;
  bool resume = false;                      // continue from out_dir/checkpoints/last.pt
  const std::atomic<bool>* stop = nullptr;  // polled every step: checkpoint and return when set
  VocoderTrainerCallbacks callbacks;
  bool epoch_outputs = true;  // held-out WAVs and measures every epoch
  // Under torchrun: this process's group (it must outlive the call); null = one process.
  dist::ProcessGroup* group = nullptr;
};

struct VocoderTrainResult {
  int64_t epochs_done = 0;
  int64_t step = 0;
  std::string stopped_by;  // "epochs", "max_steps", "time_budget", "signal"
  std::string checkpoint;
  std::string out_dir;
};

// Throws ConfigError, DataError or IoError naming the flag, file or path.
VocoderTrainResult train_vocoder(const VocoderTrainerOptions& options);

// The config and data root stored in VOC_DIR's newest checkpoint, for `--resume`.
struct VocoderResumeInfo {
  VocoderRunConfig config;
  std::string data_root;
  int64_t step = 0;
};
VocoderResumeInfo read_vocoder_resume_info(const std::string& out_dir);

}  // namespace audiogan
