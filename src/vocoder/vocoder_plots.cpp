// The vocoder run's plots (see vocoder_plots.h).
#include "vocoder/vocoder_plots.h"

#include <limits>

#include "render/line_plot.h"

namespace audiogan {
namespace {

// The value at `path` (e.g. {"eval", "sc_db"}) of a metrics line, NaN when absent (a gap).
double value_at(const nlohmann::json& line, const std::vector<std::string>& path) {
  const nlohmann::json* node = &line;
  for (const auto& key : path) {
    if (!node->contains(key)) return std::numeric_limits<double>::quiet_NaN();
    node = &node->at(key);
  }
  return node->get<double>();
}

render::Series series(const std::string& name, const std::vector<nlohmann::json>& lines,
                      const std::string& x_key, const std::vector<std::string>& path,
                      double x_scale = 1.0) {
  render::Series s{name, {}, {}};
  for (const auto& line : lines) {
    s.x.push_back(line.value(x_key, 0.0) * x_scale);
    s.y.push_back(value_at(line, path));
  }
  return s;
}

}  // namespace

void write_vocoder_plots(const std::string& out_dir, const std::vector<nlohmann::json>& lines) {
  if (lines.empty()) return;
  std::vector<render::Series> losses = {series("loss", lines, "step", {"loss"}),
                                        series("mel L1", lines, "step", {"mel_l1"})};
  if (lines.back().contains("discriminator_loss")) {
    losses.push_back(series("discriminator", lines, "step", {"discriminator_loss"}));
  }
  render::LinePlotOptions loss_options;
  loss_options.title = "Vocoder training losses (epoch means)";
  render::plot_lines(losses, out_dir + "/loss.png", loss_options);
  if (!lines.back().contains("eval")) return;
  const double minutes = 1.0 / 60;
  render::LinePlotOptions quality;
  quality.title = "Held-out re-synthesis (lower is better)";
  quality.x_label = "minutes";
  quality.y_label = "dB";
  render::plot_lines(
      {series("vocoder SC", lines, "seconds", {"eval", "sc_db"}, minutes),
       series("vocoder LSD", lines, "seconds", {"eval", "lsd_db"}, minutes),
       series("Griffin-Lim SC", lines, "seconds", {"griffin_lim", "sc_db"}, minutes),
       series("Griffin-Lim LSD", lines, "seconds", {"griffin_lim", "lsd_db"}, minutes)},
      out_dir + "/quality.png", quality);
}

}  // namespace audiogan
