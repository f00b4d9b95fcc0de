// A cairo image surface and drawing context with the pieces every plot shares: PNG output to a
// file or to memory, text placement, axis ticks and number formatting.
#pragma once

#include <cairo.h>

#include <string>
#include <vector>

namespace audiogan::render {

// Owns an ARGB32 image surface and a context on it, white background.
class Canvas {
 public:
  Canvas(int width, int height);
  ~Canvas();
  Canvas(const Canvas&) = delete;
  Canvas& operator=(const Canvas&) = delete;

  cairo_t* cr() const { return cr_; }
  int width() const { return width_; }
  int height() const { return height_; }

  // Writes the image as PNG; throws IoError naming `path` and cairo's reason.
  void write_png(const std::string& path) const;
  // The PNG file's bytes, for serving over HTTP without touching the disk.
  std::string png_bytes() const;

  // Text at (x, y) aligned by (ax, ay) in [0, 1] of its extents (0.5, 0.5 = centred), rotated by
  // `angle` radians about (x, y).
  void text(const std::string& s, double x, double y, double ax, double ay, double size,
            bool bold = false, double angle = 0.0) const;
  // Width of `s` in pixels at `size`.
  double text_width(const std::string& s, double size, bool bold = false) const;

 private:
  int width_, height_;
  cairo_surface_t* surface_;
  cairo_t* cr_;
};

// About `target` evenly spaced round values (1, 2, 2.5, 5 x 10^k steps) inside [lo, hi].
std::vector<double> nice_ticks(double lo, double hi, int target = 6);

// Short label for a tick value: "0.5", "12", "1.2e+04" (no trailing zeros).
std::string format_number(double value);

}  // namespace audiogan::render
