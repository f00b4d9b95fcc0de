// Line plots drawn with cairo: the training loss curves (G and D against step, plus any other
// series such as D(x) and D(G(z))) with axes, grid and a legend.
#pragma once

#include <string>
#include <vector>

namespace audiogan::render {

struct Series {
  std::string name;
  std::vector<double> x, y;  // same length; non-finite points are skipped (a gap in the line)
};

struct LinePlotOptions {
  std::string title = "Training losses";
  std::string x_label = "step";
  std::string y_label = "loss";
  int width = 800, height = 450;
};

// Throws DataError when a series' x and y differ in length.
std::string line_plot_png(const std::vector<Series>& series, const LinePlotOptions& options = {});
// Throws IoError when `path` cannot be written.
void plot_lines(const std::vector<Series>& series, const std::string& path,
                const LinePlotOptions& options = {});

// The per-run loss plot: G and D loss against step, then `extra` series.
void loss_plot(const std::vector<double>& steps, const std::vector<double>& g_loss,
               const std::vector<double>& d_loss, const std::string& path,
               const std::vector<Series>& extra = {});
std::string loss_plot_png(const std::vector<double>& steps, const std::vector<double>& g_loss,
                          const std::vector<double>& d_loss, const std::vector<Series>& extra = {});

}  // namespace audiogan::render
