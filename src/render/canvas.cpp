// Canvas: cairo surface ownership, PNG output and text helpers.
#include "render/canvas.h"

#include <cmath>
#include <cstdio>

#include "core/error.h"

namespace audiogan::render {

Canvas::Canvas(int width, int height) : width_(width), height_(height) {
  surface_ = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
  cr_ = cairo_create(surface_);
  if (cairo_surface_status(surface_) != CAIRO_STATUS_SUCCESS ||
      cairo_status(cr_) != CAIRO_STATUS_SUCCESS) {
    const std::string reason = cairo_status_to_string(cairo_surface_status(surface_));
    cairo_destroy(cr_);
    cairo_surface_destroy(surface_);
    throw Error("render: cannot create a " + std::to_string(width) + "x" + std::to_string(height) +
                " image: " + reason);
  }
  cairo_set_source_rgb(cr_, 1, 1, 1);
  cairo_paint(cr_);
  cairo_set_source_rgb(cr_, 0, 0, 0);  // text drawn before any colour is chosen is black
}

Canvas::~Canvas() {
  cairo_destroy(cr_);
  cairo_surface_destroy(surface_);
}

void Canvas::write_png(const std::string& path) const {
  cairo_surface_flush(surface_);
  const cairo_status_t status = cairo_surface_write_to_png(surface_, path.c_str());
  if (status != CAIRO_STATUS_SUCCESS)
    throw IoError("render: cannot write PNG '" + path + "': " + cairo_status_to_string(status));
}

namespace {
cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}
}  // namespace

std::string Canvas::png_bytes() const {
  cairo_surface_flush(surface_);
  std::string out;
  const cairo_status_t status = cairo_surface_write_to_png_stream(surface_, append_bytes, &out);
  if (status != CAIRO_STATUS_SUCCESS)
    throw Error(std::string("render: cannot encode PNG: ") + cairo_status_to_string(status));
  return out;
}

namespace {

// Sets the one font every label uses on `cr` and measures `s` in it.
cairo_text_extents_t select_font_and_measure(cairo_t* cr, const std::string& s, double size,
                                             bool bold) {
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  cairo_text_extents_t ext;
  cairo_text_extents(cr, s.c_str(), &ext);
  return ext;
}

}  // namespace

void Canvas::text(const std::string& s, double x, double y, double ax, double ay, double size,
                  bool bold, double angle) const {
  cairo_save(cr_);
  const cairo_text_extents_t ext = select_font_and_measure(cr_, s, size, bold);
  cairo_translate(cr_, x, y);
  cairo_rotate(cr_, angle);
  // Align on the advance width and the font's cap height so labels in a row share a baseline.
  cairo_move_to(cr_, -ax * ext.x_advance, (1.0 - ay) * size * 0.72);
  cairo_show_text(cr_, s.c_str());
  cairo_restore(cr_);
}

double Canvas::text_width(const std::string& s, double size, bool bold) const {
  cairo_save(cr_);
  const cairo_text_extents_t ext = select_font_and_measure(cr_, s, size, bold);
  cairo_restore(cr_);
  return ext.x_advance;
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
  std::vector<double> ticks;
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) {
    if (std::isfinite(lo)) ticks.push_back(lo);
    return ticks;
  }
  const double raw = (hi - lo) / std::max(target, 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    step = m * magnitude;
    if (step >= raw) break;
  }
  for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
    ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
  return ticks;
}

std::string format_number(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", value);
  return buf;
}

}  // namespace audiogan::render
