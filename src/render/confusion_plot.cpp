// Confusion-matrix heat map: cells coloured by the share of their row, counts written inside.
#include "render/confusion_plot.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <sstream>

#include "core/error.h"
#include "render/canvas.h"
#include "render/colormap.h"

namespace audiogan::render {

namespace {

std::unique_ptr<Canvas> draw(const torch::Tensor& counts_in, const std::vector<std::string>& names,
                             const std::string& title) {
  const auto counts = counts_in.detach().to(torch::kCPU, torch::kDouble).contiguous();
  const int64_t c = static_cast<int64_t>(names.size());
  if (counts.dim() != 2 || counts.size(0) != c || counts.size(1) != c || c == 0) {
    std::ostringstream s;
    s << "render: confusion matrix expects [" << c << ", " << c << "] counts for " << c
      << " class names, got " << counts_in.sizes();
    throw DataError(s.str());
  }
  const auto row_sums = counts.sum(1);
  const auto share = counts / row_sums.clamp_min(1e-12).unsqueeze(1);  // [C, C] in [0, 1]
  const auto v = counts.accessor<double, 2>();
  const auto p = share.accessor<double, 2>();

  // Layout: labels on the left and below (rotated), cells sized to fit the counts.
  Canvas probe(1, 1);
  double label_w = 0;
  for (const auto& n : names) label_w = std::max(label_w, probe.text_width(n, 11));
  const double cell = std::clamp(560.0 / c, 22.0, 60.0);
  const double left = label_w + 44, top = 46, grid = cell * c;
  const double bottom = label_w + 40;
  const int width = static_cast<int>(left + grid + 30),
            height = static_cast<int>(top + grid + bottom);
  auto canvas = std::make_unique<Canvas>(std::max(width, 240), height);
  cairo_t* cr = canvas->cr();
  canvas->text(title, canvas->width() / 2.0, top / 2, 0.5, 0.5, 15, true);

  const double font = std::clamp(cell * 0.32, 8.0, 13.0);
  for (int64_t i = 0; i < c; ++i) {
    for (int64_t j = 0; j < c; ++j) {
      // Start the colour map a little above black so empty cells stay distinguishable from text.
      const double t = 0.08 + 0.92 * p[i][j];
      const Rgb col = magma(t);
      cairo_set_source_rgb(cr, col.r, col.g, col.b);
      cairo_rectangle(cr, left + j * cell, top + i * cell, cell, cell);
      cairo_fill(cr);
      // White text on dark cells, black on light ones.
      const double light = 0.299 * col.r + 0.587 * col.g + 0.114 * col.b;
      const double ink = light > 0.5 ? 0.0 : 1.0;
      cairo_set_source_rgb(cr, ink, ink, ink);
      canvas->text(format_number(v[i][j]), left + (j + 0.5) * cell, top + (i + 0.5) * cell, 0.5,
                   0.5, font);
    }
  }
  cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
  cairo_set_line_width(cr, 1.0);
  cairo_rectangle(cr, left - 0.5, top - 0.5, grid + 1, grid + 1);
  cairo_stroke(cr);
  for (int64_t i = 0; i < c; ++i) {
    canvas->text(names[i], left - 6, top + (i + 0.5) * cell, 1.0, 0.5, 11);
    canvas->text(names[i], left + (i + 0.5) * cell, top + grid + 6, 1.0, 0.5, 11, false, -M_PI / 2);
  }
  canvas->text("true class", 12, top + grid / 2, 0.5, 0.5, 12, false, -M_PI / 2);
  canvas->text("predicted class", left + grid / 2, height - 12, 0.5, 0.5, 12);
  return canvas;
}

}  // namespace

std::string confusion_matrix_png(const torch::Tensor& counts,
                                 const std::vector<std::string>& class_names,
                                 const std::string& title) {
  return draw(counts, class_names, title)->png_bytes();
}

void plot_confusion_matrix(const torch::Tensor& counts, const std::vector<std::string>& class_names,
                           const std::string& path, const std::string& title) {
  draw(counts, class_names, title)->write_png(path);
}

}  // namespace audiogan::render
