// Line plots: data range, axes with nice ticks, one colour per series and a legend.
#include "render/line_plot.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "core/error.h"
#include "render/canvas.h"

namespace audiogan::render {

namespace {

// Distinct colours for up to 8 series (Tableau 10), then repeating.
constexpr double kColors[][3] = {
    {0.122, 0.467, 0.706}, {1.000, 0.498, 0.055}, {0.173, 0.627, 0.173}, {0.839, 0.153, 0.157},
    {0.580, 0.404, 0.741}, {0.549, 0.337, 0.294}, {0.890, 0.467, 0.761}, {0.498, 0.498, 0.498}};

std::unique_ptr<Canvas> draw(const std::vector<Series>& series, const LinePlotOptions& o) {
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo;
  double y_lo = x_lo, y_hi = -x_lo;
  for (const auto& s : series) {
    if (s.x.size() != s.y.size())
      throw DataError("render: line plot series '" + s.name + "' has " +
                      std::to_string(s.x.size()) + " x values but " + std::to_string(s.y.size()) +
                      " y values");
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      x_lo = std::min(x_lo, s.x[i]), x_hi = std::max(x_hi, s.x[i]);
      y_lo = std::min(y_lo, s.y[i]), y_hi = std::max(y_hi, s.y[i]);
    }
  }
  if (!std::isfinite(x_lo)) x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;  // nothing to draw yet
  if (!(x_hi > x_lo)) x_hi = x_lo + 1;
  if (!(y_hi > y_lo)) y_lo -= 0.5, y_hi += 0.5;
  const double pad = 0.05 * (y_hi - y_lo);
  y_lo -= pad, y_hi += pad;

  auto canvas = std::make_unique<Canvas>(std::max(o.width, 200), std::max(o.height, 150));
  cairo_t* cr = canvas->cr();
  const double left = 70, right = 20, top = 40, bottom = 50;
  const double pw = canvas->width() - left - right, ph = canvas->height() - top - bottom;
  const auto px = [&](double x) { return left + pw * (x - x_lo) / (x_hi - x_lo); };
  const auto py = [&](double y) { return top + ph - ph * (y - y_lo) / (y_hi - y_lo); };

  canvas->text(o.title, canvas->width() / 2.0, top / 2, 0.5, 0.5, 15, true);
  cairo_set_line_width(cr, 1.0);
  for (double t : nice_ticks(x_lo, x_hi, 8)) {
    cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
    cairo_move_to(cr, px(t), top);
    cairo_line_to(cr, px(t), top + ph);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    canvas->text(format_number(t), px(t), top + ph + 12, 0.5, 0.5, 10);
  }
  for (double t : nice_ticks(y_lo, y_hi, 6)) {
    cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
    cairo_move_to(cr, left, py(t));
    cairo_line_to(cr, left + pw, py(t));
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    canvas->text(format_number(t), left - 6, py(t), 1.0, 0.5, 10);
  }
  cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
  cairo_rectangle(cr, left - 0.5, top - 0.5, pw + 1, ph + 1);
  cairo_stroke(cr);
  canvas->text(o.x_label, left + pw / 2, top + ph + 32, 0.5, 0.5, 12);
  canvas->text(o.y_label, 16, top + ph / 2, 0.5, 0.5, 12, false, -M_PI / 2);

  cairo_save(cr);
  cairo_rectangle(cr, left, top, pw, ph);
  cairo_clip(cr);
  cairo_set_line_width(cr, 1.6);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  for (size_t k = 0; k < series.size(); ++k) {
    const auto* c = kColors[k % 8];
    cairo_set_source_rgb(cr, c[0], c[1], c[2]);
    bool pen_down = false;
    const auto& s = series[k];
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) {
        pen_down = false;
        continue;
      }
      if (pen_down) {
        cairo_line_to(cr, px(s.x[i]), py(s.y[i]));
      } else {
        cairo_move_to(cr, px(s.x[i]), py(s.y[i]));
        // A lone point still shows as a dot.
        cairo_rel_line_to(cr, 0.01, 0);
      }
      pen_down = true;
    }
    cairo_stroke(cr);
  }
  cairo_restore(cr);

  // Legend: top-right inside the plot area, on a white box.
  double legend_w = 0;
  for (const auto& s : series) legend_w = std::max(legend_w, canvas->text_width(s.name, 11));
  if (!series.empty()) {
    const double lx = left + pw - legend_w - 44, ly = top + 8, row = 16;
    cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
    cairo_rectangle(cr, lx, ly, legend_w + 36, row * series.size() + 6);
    cairo_fill(cr);
    for (size_t k = 0; k < series.size(); ++k) {
      const auto* c = kColors[k % 8];
      const double y = ly + 3 + row * (k + 0.5);
      cairo_set_source_rgb(cr, c[0], c[1], c[2]);
      cairo_set_line_width(cr, 2.0);
      cairo_move_to(cr, lx + 6, y);
      cairo_line_to(cr, lx + 24, y);
      cairo_stroke(cr);
      cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
      canvas->text(series[k].name, lx + 30, y, 0.0, 0.5, 11);
    }
  }
  return canvas;
}

std::vector<Series> loss_series(const std::vector<double>& steps, const std::vector<double>& g,
                                const std::vector<double>& d, const std::vector<Series>& extra) {
  std::vector<Series> all = {{"G loss", steps, g}, {"D loss", steps, d}};
  all.insert(all.end(), extra.begin(), extra.end());
  return all;
}

}  // namespace

std::string line_plot_png(const std::vector<Series>& series, const LinePlotOptions& options) {
  return draw(series, options)->png_bytes();
}

void plot_lines(const std::vector<Series>& series, const std::string& path,
                const LinePlotOptions& options) {
  draw(series, options)->write_png(path);
}

void loss_plot(const std::vector<double>& steps, const std::vector<double>& g_loss,
               const std::vector<double>& d_loss, const std::string& path,
               const std::vector<Series>& extra) {
  plot_lines(loss_series(steps, g_loss, d_loss, extra), path);
}

std::string loss_plot_png(const std::vector<double>& steps, const std::vector<double>& g_loss,
                          const std::vector<double>& d_loss, const std::vector<Series>& extra) {
  return line_plot_png(loss_series(steps, g_loss, d_loss, extra));
}

}  // namespace audiogan::render
