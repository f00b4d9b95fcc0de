// Log-mel spectrogram figures drawn with cairo: a grid with one panel per class (the per-epoch
// plot of training) and a single panel (the web page and `generate`). Time axis in seconds,
// frequency axis in Hz at mel-spaced positions, magma colour map, one shared colour bar.
#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

#include "core/config.h"

namespace audiogan::render {

struct SpectrogramPlotOptions {
  double vmin = 0.0, vmax = 0.0;  // colour range; vmin == vmax means the data's min and max
  std::string title;              // figure title above the panels; empty = none
  std::string colorbar_label = "log(1 + mel power)";
  int columns = 0;        // panels per row; 0 = up to 4
  int panel_width = 360;  // image area of one panel in pixels
  int panel_height = 180;
};

// spectrograms [N, n_mels, frames] or [N, 1, n_mels, frames] (any float dtype, any device),
// titles: N panel titles (e.g. class names). Frequency ticks follow `frontend` (sample rate,
// hop, f_min/f_max, mel scale). Throws DataError when shapes or counts do not match.
std::string spectrogram_grid_png(const torch::Tensor& spectrograms,
                                 const std::vector<std::string>& titles,
                                 const FrontendConfig& frontend,
                                 const SpectrogramPlotOptions& options = {});
// Same figure written to `path`; throws IoError when the file cannot be written.
void plot_spectrogram_grid(const torch::Tensor& spectrograms,
                           const std::vector<std::string>& titles, const FrontendConfig& frontend,
                           const std::string& path, const SpectrogramPlotOptions& options = {});

// One spectrogram [n_mels, frames] or [1, n_mels, frames] as a single-panel figure titled
// `title` (may be empty).
std::string spectrogram_image_png(const torch::Tensor& spectrogram, const std::string& title,
                                  const FrontendConfig& frontend,
                                  const SpectrogramPlotOptions& options = {});
void plot_spectrogram_image(const torch::Tensor& spectrogram, const std::string& title,
                            const FrontendConfig& frontend, const std::string& path,
                            const SpectrogramPlotOptions& options = {});

// Mel-spaced frequency ticks: (position of the tick along the mel axis in bins from the bottom
// edge, 0..n_mels, label in Hz like "500" or "2k"), for the filterbank `frontend` describes.
std::vector<std::pair<double, std::string>> mel_ticks(const FrontendConfig& frontend);

}  // namespace audiogan::render
