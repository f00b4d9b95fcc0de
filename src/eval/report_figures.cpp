// Figures of an evaluation report, drawn with the render helpers.
#include "eval/report_figures.h"

#include <filesystem>

#include "render/confusion_plot.h"
#include "render/spectrogram_plot.h"

namespace audiogan::eval {

std::vector<std::string> write_report_figures(const EvaluationReport& report,
                                              const std::string& out_dir) {
  namespace fs = std::filesystem;
  std::vector<std::string> written;
  if (report.confusion.matrix.defined() && !report.class_names.empty()) {
    const std::string path = (fs::path(out_dir) / "confusion.png").string();
    render::plot_confusion_matrix(report.confusion.matrix, report.class_names, path,
                                  "Generated clips: intended class (rows) vs classifier");
    written.push_back(path);
  }
  if (report.generated_examples.defined() && report.real_examples.defined() &&
      report.generated_examples.size(1) > 0) {
    // One row per class: its generated examples, then real ones, on one colour scale.
    const torch::Tensor& gen = report.generated_examples;  // [C, k, n_mels, frames]
    const torch::Tensor& real = report.real_examples;      // [C, k, n_mels, frames]
    const int64_t classes = gen.size(0);
    const int64_t k = gen.size(1);
    std::vector<torch::Tensor> panels;
    std::vector<std::string> titles;
    for (int64_t c = 0; c < classes; ++c) {
      const std::string& name = report.class_names[static_cast<size_t>(c)];
      for (int64_t i = 0; i < k; ++i) {
        panels.push_back(gen[c][i]);
        titles.push_back(name + " generated " + std::to_string(i + 1));
      }
      for (int64_t i = 0; i < k; ++i) {
        panels.push_back(real[c][i]);
        titles.push_back(name + " real " + std::to_string(i + 1));
      }
    }
    const FrontendConfig& frontend = report.frontend_config;  // for the axes' ticks
    render::SpectrogramPlotOptions options;
    options.title = "Generated (left) and real (right) log-mels per class";
    options.columns = static_cast<int>(2 * k);
    options.panel_width = 220;
    options.panel_height = 110;
    const std::string path = (fs::path(out_dir) / "spectrograms.png").string();
    render::plot_spectrogram_grid(torch::stack(panels, 0), titles, frontend, path, options);
    written.push_back(path);
  }
  return written;
}

}  // namespace audiogan::eval
