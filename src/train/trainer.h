// Training the conditional GAN: data from the spectrogram cache, the dcgan step with AMP, an EMA
// of G, per-epoch plots/audio/metrics and the collapse monitor, checkpoints and resume.
// Library only: progress and warnings go through callbacks; the caller prints.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <torch/torch.h>

#include "core/config.h"
#include "data/spectrogram_cache.h"
#include "dsp/vocoder.h"

namespace audiogan {

namespace dist {
class ProcessGroup;
}

struct StepEvent {
  int64_t epoch = 0;   // 1-based
  int64_t epochs = 0;  // the epoch limit; 0 = none (a time-budgeted run)
  int64_t batch = 0;   // batches of this epoch done, 1-based
  int64_t batches_per_epoch = 0;
  int64_t step = 0;  // optimizer steps in total
  double loss_g = 0, loss_d = 0, d_real = 0, d_fake = 0;
  double epoch_seconds = 0;       // since this epoch (or this resumed part of it) started
  int64_t epoch_batches_run = 0;  // batches run in this process during the epoch (for it/s)
};

struct EpochEvent {
  int64_t epoch = 0;                  // 1-based
  int64_t epochs = 0;                 // the epoch limit; 0 = none
  nlohmann::json metrics;             // the line written to metrics.jsonl
  std::vector<std::string> warnings;  // collapse monitor warnings of this epoch
};

struct TrainerCallbacks {
  std::function<void(const std::string&)> on_status;  // one-line notes (device, AMP, resume)
  CacheProgressCallback on_cache_progress;            // while building the spectrogram cache
  std::function<void(const StepEvent&)> on_step;
  std::function<void(const EpochEvent&)> on_epoch;
  std::function<void(const std::string&)> on_warning;
  // The collapse monitor's warnings of an epoch, one call each; when unset they go to
  // on_warning as "epoch N: generator output: <warning>".
  std::function<void(int64_t epoch, const std::string& warning)> on_collapse_warning;
};

// Quick-evaluation hook for --eval-every: called every config.train.eval_every epochs, after the
// epoch's checkpoint is written, with that checkpoint's path (load it with Sampler::load). The
// JSON it returns is stored under "eval" in that epoch's metrics line.
using EvalHook = std::function<nlohmann::json(const std::string& checkpoint_path, int64_t epoch)>;

struct TrainerOptions {
  Config config;
  std::string data_root;  // class-folder dataset
  std::string cache_dir;  // empty: the cache's default under data_root
  std::string run_dir;
  bool resume = false;                      // continue from run_dir/checkpoints/last.pt
  const std::atomic<bool>* stop = nullptr;  // polled every step: checkpoint and return when set
  TrainerCallbacks callbacks;
  EvalHook evaluate;
  int monitor_per_class = 8;        // fixed latents per class for plots and the collapse monitor
  int griffin_lim_iterations = 32;  // for the per-epoch audio clips
  // The per-epoch audio's vocoder instead of Griffin-Lim (the CLI loads config.train.vocoder).
  dsp::MelVocoder vocoder;
  bool epoch_outputs = true;  // plots, audio and loss.png every epoch
  // Data-parallel training: this process's group (rank, world size; see dist/process_group.h),
  // owned by the caller. Null = one process. Rank 0 alone writes the run folder.
  dist::ProcessGroup* group = nullptr;
};

struct TrainResult {
  int64_t epochs_done = 0;  // completed epochs
  int64_t step = 0;         // optimizer steps in total
  std::string stopped_by;   // "epochs", "max_steps", "time_budget", "signal"
  std::string checkpoint;   // the newest checkpoint (RUN_DIR/checkpoints/last.pt)
  std::string run_dir;
};

// Throws ConfigError, DataError or IoError naming the flag, data or path.
TrainResult train(const TrainerOptions& options);

// The config stored in a run's newest checkpoint plus its data root and cache folder, for
// `train --resume RUN_DIR`. Throws IoError/DataError naming the path.
struct ResumeInfo {
  Config config;
  std::string data_root;
  std::string cache_dir;
  int64_t epochs_done = 0;
  int64_t step = 0;
};
ResumeInfo read_resume_info(const std::string& run_dir);

// "auto" resolved: cuda when available, else cpu.
torch::Device resolve_device(const std::string& device);
// "auto" resolved for `device`: fp16 on CUDA, bf16 on a CPU with native bf16, else off.
std::string resolve_amp(const std::string& amp, const torch::Device& device);

}  // namespace audiogan
