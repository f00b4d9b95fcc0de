// The files training writes each epoch besides the checkpoint: the spectrogram grid of fixed
// latents, one audio clip per class, and the loss curves so far.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <torch/torch.h>

#include "core/config.h"
#include "dsp/vocoder.h"
#include "train/run_dir.h"

namespace audiogan {

// first_per_class: log-mels [C, n_mels, frames] in log1p units, one per class, made audible by
// `vocoder` (seeded with `seed`). Writes RUN_DIR/plots/epoch_XXX.png and
// RUN_DIR/audio/<class>_epX.wav; returns the paths.
std::vector<std::string> write_epoch_samples(const RunDir& run, int64_t epoch,
                                             const torch::Tensor& first_per_class,
                                             const std::vector<std::string>& class_names,
                                             const FrontendConfig& frontend, double vmax,
                                             const dsp::MelVocoder& vocoder, uint64_t seed);

// RUN_DIR/loss.png from the "curve" of every metrics line so far.
void write_loss_plot(const RunDir& run, const std::vector<nlohmann::json>& metrics_lines);

}  // namespace audiogan
