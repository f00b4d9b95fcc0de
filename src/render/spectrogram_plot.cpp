// Spectrogram figures: layout, image painting, mel/time axes and the colour bar.
#include "render/spectrogram_plot.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <sstream>

#include "core/error.h"
#include "render/canvas.h"
#include "render/colormap.h"

namespace audiogan::render {

namespace {

// Panel margins around the image area, in pixels.
constexpr int kLeft = 58, kRight = 16, kTop = 26, kBottom = 40;
constexpr int kColorbarWidth = 96;  // strip on the right: bar, ticks and label
constexpr int kHeader = 34;         // figure title band when a title is given

// Hz -> mel. ref: torchaudio.functional.functional._hz_to_mel (htk and slaney).
double hz_to_mel(double hz, const std::string& scale) {
  if (scale == "htk") return 2595.0 * std::log10(1.0 + hz / 700.0);
  const double f_sp = 200.0 / 3.0, min_log_hz = 1000.0, min_log_mel = min_log_hz / f_sp;
  const double logstep = std::log(6.4) / 27.0;
  return hz < min_log_hz ? hz / f_sp : min_log_mel + std::log(hz / min_log_hz) / logstep;
}

// The spectrogram as float32 [N, n_mels, frames] on the CPU.
torch::Tensor as_panels(const torch::Tensor& spectrograms, const char* what) {
  auto x = spectrograms.detach().to(torch::kCPU, torch::kFloat);
  if (x.dim() == 4 && x.size(1) == 1) x = x.squeeze(1);
  if (x.dim() != 3 || x.size(1) < 1 || x.size(2) < 1) {
    std::ostringstream s;
    s << "render: " << what << " expects [N, n_mels, frames] or [N, 1, n_mels, frames], got "
      << spectrograms.sizes();
    throw DataError(s.str());
  }
  return x.contiguous();
}

void draw_panel(const Canvas& canvas, const torch::Tensor& spec, double x0, double y0,
                const SpectrogramPlotOptions& o, const std::string& title, double vmin, double vmax,
                const FrontendConfig& frontend) {
  cairo_t* cr = canvas.cr();
  const int n_mels = static_cast<int>(spec.size(0)), frames = static_cast<int>(spec.size(1));
  // Paint the data into an image the size of the spectrogram (highest mel bin on the top row),
  // then scale it onto the panel.
  cairo_surface_t* image = cairo_image_surface_create(CAIRO_FORMAT_RGB24, frames, n_mels);
  const int stride = cairo_image_surface_get_stride(image);
  unsigned char* data = cairo_image_surface_get_data(image);
  const auto values = spec.accessor<float, 2>();
  const double range = vmax > vmin ? vmax - vmin : 1.0;
  cairo_surface_flush(image);
  for (int m = 0; m < n_mels; ++m) {
    auto* row = reinterpret_cast<uint32_t*>(data + (n_mels - 1 - m) * stride);
    for (int t = 0; t < frames; ++t) row[t] = magma_argb32((values[m][t] - vmin) / range);
  }
  cairo_surface_mark_dirty(image);
  const double iw = o.panel_width, ih = o.panel_height, ix = x0 + kLeft, iy = y0 + kTop;
  cairo_save(cr);
  cairo_rectangle(cr, ix, iy, iw, ih);
  cairo_clip(cr);
  cairo_translate(cr, ix, iy);
  cairo_scale(cr, iw / frames, ih / n_mels);
  cairo_set_source_surface(cr, image, 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
  cairo_pattern_set_extend(cairo_get_source(cr), CAIRO_EXTEND_PAD);
  cairo_paint(cr);
  cairo_restore(cr);
  cairo_surface_destroy(image);

  // Frame, title and axes.
  cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
  cairo_set_line_width(cr, 1.0);
  cairo_rectangle(cr, ix - 0.5, iy - 0.5, iw + 1, ih + 1);
  cairo_stroke(cr);
  canvas.text(title, ix + iw / 2, y0 + kTop / 2.0, 0.5, 0.5, 13, /*bold=*/true);
  const double seconds = static_cast<double>(frames) * frontend.hop_length / frontend.sample_rate;
  for (double t : nice_ticks(0.0, seconds, std::max(2, o.panel_width / 70))) {
    const double x = ix + iw * t / seconds;
    cairo_move_to(cr, x, iy + ih);
    cairo_line_to(cr, x, iy + ih + 4);
    cairo_stroke(cr);
    canvas.text(format_number(t), x, iy + ih + 12, 0.5, 0.5, 10);
  }
  canvas.text("time (s)", ix + iw / 2, iy + ih + 28, 0.5, 0.5, 11);
  // Frequency ticks are placed on the panel's mel axis; the panel's bins may differ from
  // frontend.n_mels if the caller cropped, so positions are scaled by the ratio.
  const double scale = static_cast<double>(n_mels) / frontend.n_mels;
  double last_y = 1e9;
  for (const auto& [bin, label] : mel_ticks(frontend)) {
    const double y = iy + ih - ih * bin * scale / n_mels;
    if (last_y - y < 14) continue;  // keep labels from overlapping
    last_y = y;
    cairo_move_to(cr, ix, y);
    cairo_line_to(cr, ix - 4, y);
    cairo_stroke(cr);
    canvas.text(label, ix - 6, y, 1.0, 0.5, 10);
  }
  canvas.text("Hz", x0 + 12, iy + ih / 2, 0.5, 0.5, 11, false, -M_PI / 2);
}

void draw_colorbar(const Canvas& canvas, double x, double y, double h, double vmin, double vmax,
                   const std::string& label) {
  cairo_t* cr = canvas.cr();
  const double w = 16;
  for (int i = 0; i < static_cast<int>(h); ++i) {
    const Rgb c = magma(1.0 - i / std::max(h - 1, 1.0));
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
    cairo_rectangle(cr, x, y + i, w, 1);
    cairo_fill(cr);
  }
  cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
  cairo_set_line_width(cr, 1.0);
  cairo_rectangle(cr, x - 0.5, y - 0.5, w + 1, h + 1);
  cairo_stroke(cr);
  const double range = vmax > vmin ? vmax - vmin : 1.0;
  for (double v : nice_ticks(vmin, vmax, 5)) {
    const double ty = y + h - h * (v - vmin) / range;
    cairo_move_to(cr, x + w, ty);
    cairo_line_to(cr, x + w + 4, ty);
    cairo_stroke(cr);
    canvas.text(format_number(v), x + w + 6, ty, 0.0, 0.5, 10);
  }
  canvas.text(label, x + w + 50, y + h / 2, 0.5, 0.5, 11, false, -M_PI / 2);
}

std::unique_ptr<Canvas> draw_grid(const torch::Tensor& spectrograms,
                                  const std::vector<std::string>& titles,
                                  const FrontendConfig& frontend, const SpectrogramPlotOptions& o) {
  const auto panels = as_panels(spectrograms, "spectrogram plot");
  const int n = static_cast<int>(panels.size(0));
  if (static_cast<int>(titles.size()) != n)
    throw DataError("render: spectrogram plot got " + std::to_string(n) + " spectrograms but " +
                    std::to_string(titles.size()) + " titles");
  if (n == 0) throw DataError("render: spectrogram plot got no spectrograms");
  if (o.panel_width < 16 || o.panel_height < 16)
    throw ConfigError("render: panel size must be at least 16x16 pixels");
  const int columns = std::min(n, o.columns > 0 ? o.columns : 4);
  const int rows = (n + columns - 1) / columns;
  const int cell_w = kLeft + o.panel_width + kRight, cell_h = kTop + o.panel_height + kBottom;
  const int header = o.title.empty() ? 0 : kHeader;
  auto canvas = std::make_unique<Canvas>(columns * cell_w + kColorbarWidth, header + rows * cell_h);

  double vmin = o.vmin, vmax = o.vmax;
  if (!(vmax > vmin)) {  // from the data, shared by all panels so they compare
    const auto finite = torch::nan_to_num(panels, 0.0, 0.0, 0.0);
    vmin = finite.min().item<double>();
    vmax = finite.max().item<double>();
    if (!(vmax > vmin)) vmax = vmin + 1.0;  // a constant image still gets a valid bar
  }
  if (header) canvas->text(o.title, canvas->width() / 2.0, header / 2.0, 0.5, 0.5, 15, true);
  for (int i = 0; i < n; ++i)
    draw_panel(*canvas, panels[i], (i % columns) * cell_w, header + (i / columns) * cell_h, o,
               titles[i], vmin, vmax, frontend);
  draw_colorbar(*canvas, columns * cell_w + 8, header + kTop, rows * cell_h - kTop - kBottom, vmin,
                vmax, o.colorbar_label);
  return canvas;
}

torch::Tensor single(const torch::Tensor& spectrogram) {
  auto x = spectrogram;
  if (x.dim() == 3 && x.size(0) == 1) x = x.squeeze(0);
  if (x.dim() != 2) {
    std::ostringstream s;
    s << "render: spectrogram image expects [n_mels, frames] or [1, n_mels, frames], got "
      << spectrogram.sizes();
    throw DataError(s.str());
  }
  return x.unsqueeze(0);
}

}  // namespace

std::vector<std::pair<double, std::string>> mel_ticks(const FrontendConfig& frontend) {
  const double f_min = frontend.f_min, f_max = frontend.resolved_f_max();
  const double m_min = hz_to_mel(f_min, frontend.mel_scale);
  const double m_max = hz_to_mel(f_max, frontend.mel_scale);
  std::vector<std::pair<double, std::string>> ticks;
  if (!(m_max > m_min)) return ticks;
  const double candidates[] = {0,    50,   100,  200,   300,   500,   1000,  2000,
                               3000, 5000, 8000, 10000, 12000, 16000, 20000, 24000};
  for (double hz : candidates) {
    if (hz < f_min || hz > f_max) continue;
    // Bin i (0-based) is centred on mel point i+1 of n_mels+2 evenly spaced points; the
    // panel's edges sit half a bin outside the first and last centres.
    const double centre =
        (hz_to_mel(hz, frontend.mel_scale) - m_min) / (m_max - m_min) * (frontend.n_mels + 1) - 1.0;
    const double position = std::clamp(centre + 0.5, 0.0, static_cast<double>(frontend.n_mels));
    ticks.emplace_back(position, hz >= 1000 ? format_number(hz / 1000) + "k" : format_number(hz));
  }
  return ticks;
}

std::string spectrogram_grid_png(const torch::Tensor& spectrograms,
                                 const std::vector<std::string>& titles,
                                 const FrontendConfig& frontend,
                                 const SpectrogramPlotOptions& options) {
  return draw_grid(spectrograms, titles, frontend, options)->png_bytes();
}

void plot_spectrogram_grid(const torch::Tensor& spectrograms,
                           const std::vector<std::string>& titles, const FrontendConfig& frontend,
                           const std::string& path, const SpectrogramPlotOptions& options) {
  draw_grid(spectrograms, titles, frontend, options)->write_png(path);
}

std::string spectrogram_image_png(const torch::Tensor& spectrogram, const std::string& title,
                                  const FrontendConfig& frontend,
                                  const SpectrogramPlotOptions& options) {
  return draw_grid(single(spectrogram), {title}, frontend, options)->png_bytes();
}

void plot_spectrogram_image(const torch::Tensor& spectrogram, const std::string& title,
                            const FrontendConfig& frontend, const std::string& path,
                            const SpectrogramPlotOptions& options) {
  draw_grid(single(spectrogram), {title}, frontend, options)->write_png(path);
}

}  // namespace audiogan::render
