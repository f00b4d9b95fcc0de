// Tests of the cairo plots: files and in-memory PNGs decode back with the expected size, the
// pixels follow the data, and write failures are IoErrors naming the path.
#include <cairo.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "core/error.h"
#include "render/colormap.h"
#include "render/confusion_plot.h"
#include "render/line_plot.h"
#include "render/spectrogram_plot.h"

namespace audiogan::render {
namespace {

std::filesystem::path temp_dir(const std::string& name) {
  const auto dir = std::filesystem::path(::testing::TempDir()) /
                   ("render_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

// Decoded image: width, height and the ARGB32 pixels.
struct Decoded {
  int width = 0, height = 0;
  std::vector<uint32_t> pixels;
};

Decoded decode(cairo_surface_t* surface) {
  Decoded d;
  EXPECT_EQ(cairo_surface_status(surface), CAIRO_STATUS_SUCCESS);
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) return d;
  d.width = cairo_image_surface_get_width(surface);
  d.height = cairo_image_surface_get_height(surface);
  const int stride = cairo_image_surface_get_stride(surface);
  const unsigned char* data = cairo_image_surface_get_data(surface);
  for (int y = 0; y < d.height; ++y)
    for (int x = 0; x < d.width; ++x)
      d.pixels.push_back(reinterpret_cast<const uint32_t*>(data + y * stride)[x]);
  cairo_surface_destroy(surface);
  return d;
}

Decoded decode_file(const std::filesystem::path& path) {
  return decode(cairo_image_surface_create_from_png(path.c_str()));
}

Decoded decode_bytes(const std::string& png) {
  struct Reader {
    const std::string* bytes;
    size_t pos = 0;
  } reader{&png};
  const auto read = [](void* closure, unsigned char* out, unsigned int length) {
    auto* r = static_cast<Reader*>(closure);
    if (r->pos + length > r->bytes->size()) return CAIRO_STATUS_READ_ERROR;
    std::copy_n(r->bytes->data() + r->pos, length, out);
    r->pos += length;
    return CAIRO_STATUS_SUCCESS;
  };
  return decode(cairo_image_surface_create_from_png_stream(read, &reader));
}

int distinct_colours(const Decoded& d) {
  std::vector<uint32_t> p = d.pixels;
  std::sort(p.begin(), p.end());
  return static_cast<int>(std::unique(p.begin(), p.end()) - p.begin());
}

int differing_pixels(const Decoded& a, const Decoded& b) {
  int n = 0;
  for (size_t i = 0; i < std::min(a.pixels.size(), b.pixels.size()); ++i)
    n += a.pixels[i] != b.pixels[i];
  return n;
}

TEST(SpectrogramPlot, GridFileDecodesWithTheLayoutSizeAndIsNotBlank) {
  FrontendConfig frontend;
  frontend.n_mels = 32;
  const auto dir = temp_dir("grid");
  const auto path = dir / "epoch_001.png";
  torch::manual_seed(0);
  SpectrogramPlotOptions options;
  options.panel_width = 200;
  options.panel_height = 100;
  plot_spectrogram_grid(torch::rand({3, 1, 32, 64}), {"kick", "snare", "hat"}, frontend,
                        path.string(), options);
  ASSERT_TRUE(std::filesystem::exists(path));
  const auto image = decode_file(path);
  // 3 panels in one row: (58 + 200 + 16) each plus a 96-pixel colour bar; 26 + 100 + 40 high.
  EXPECT_EQ(image.width, 3 * 274 + 96);
  EXPECT_EQ(image.height, 166);
  EXPECT_GT(distinct_colours(image), 50);
  std::filesystem::remove_all(dir);
}

TEST(SpectrogramPlot, PixelsFollowTheData) {
  FrontendConfig frontend;
  frontend.n_mels = 16;
  const auto quiet = torch::zeros({1, 16, 32});
  auto loud = quiet.clone();
  loud.index_put_({0, torch::indexing::Slice(8, 16), torch::indexing::Slice()}, 1.0);
  SpectrogramPlotOptions fixed;
  fixed.vmin = 0.0;
  fixed.vmax = 1.0;
  const auto a = decode_bytes(spectrogram_image_png(quiet, "x", frontend, fixed));
  const auto b = decode_bytes(spectrogram_image_png(loud, "x", frontend, fixed));
  ASSERT_EQ(a.pixels.size(), b.pixels.size());
  // Half of the 360 x 180 image area turned from black to pale yellow.
  EXPECT_GT(differing_pixels(a, b), 360 * 90 * 9 / 10);
}

TEST(SpectrogramPlot, MelTicksRiseWithFrequencyAndSpanTheAxis) {
  FrontendConfig frontend;  // 22050 Hz, 128 mels, htk
  const auto ticks = mel_ticks(frontend);
  ASSERT_GE(ticks.size(), 5u);
  for (size_t i = 1; i < ticks.size(); ++i) EXPECT_GT(ticks[i].first, ticks[i - 1].first);
  EXPECT_EQ(ticks.front().second, "0");
  EXPECT_LE(ticks.back().first, 128.0);
  // htk: 1 kHz is mel 1000 of 2595 * log10(1 + 11025 / 700) at the top edge.
  const double top = 2595.0 * std::log10(1.0 + 11025.0 / 700.0);
  bool found = false;
  for (const auto& [pos, label] : ticks)
    if (label == "1k") {
      found = true;
      EXPECT_NEAR(pos / 128.0, 1000.0 / top, 0.01);
    }
  EXPECT_TRUE(found);
}

TEST(SpectrogramPlot, MismatchedTitlesAreDataErrors) {
  FrontendConfig frontend;
  EXPECT_THROW(spectrogram_grid_png(torch::rand({2, 128, 16}), {"one"}, frontend), DataError);
  EXPECT_THROW(spectrogram_image_png(torch::rand({2, 3, 4, 5}), "", frontend), DataError);
}

TEST(SpectrogramPlot, UnwritablePathIsAnIoErrorNamingThePath) {
  FrontendConfig frontend;
  frontend.n_mels = 16;
  const std::string path = "/nonexistent-dir/plot.png";
  try {
    plot_spectrogram_image(torch::rand({16, 16}), "t", frontend, path);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(LossPlot, FileDecodesAndCurvesChangeThePixels) {
  const auto dir = temp_dir("loss");
  std::vector<double> steps, g, d, g2;
  for (int i = 0; i < 100; ++i) {
    steps.push_back(i);
    g.push_back(1.0 + std::sin(i * 0.1));
    d.push_back(0.7 + 0.1 * std::cos(i * 0.2));
    g2.push_back(1.0 - std::sin(i * 0.1));
  }
  loss_plot(steps, g, d, (dir / "loss.png").string(), {{"D(x)", steps, d}});
  const auto image = decode_file(dir / "loss.png");
  EXPECT_EQ(image.width, 800);
  EXPECT_EQ(image.height, 450);
  EXPECT_GT(distinct_colours(image), 10);
  const auto other = decode_bytes(loss_plot_png(steps, g2, d, {{"D(x)", steps, d}}));
  EXPECT_GT(differing_pixels(image, other), 500);
  std::filesystem::remove_all(dir);
}

TEST(LossPlot, NonFiniteAndEmptySeriesStillDraw) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_GT(line_plot_png({{"G loss", {0, 1, 2}, {1.0, nan, 2.0}}}).size(), 100u);
  EXPECT_GT(line_plot_png({}).size(), 100u);
  EXPECT_THROW(line_plot_png({{"bad", {0, 1}, {1.0}}}), DataError);
}

TEST(ConfusionPlot, HeatMapDecodesAndCountsChangeIt) {
  const std::vector<std::string> names = {"zero", "one", "two"};
  const auto diagonal = torch::eye(3) * 10;
  const auto mixed = torch::full({3, 3}, 3.0);
  const auto dir = temp_dir("confusion");
  plot_confusion_matrix(diagonal, names, (dir / "confusion.png").string());
  const auto a = decode_file(dir / "confusion.png");
  EXPECT_GT(a.width, 100);
  EXPECT_GT(a.height, 100);
  const auto b = decode_bytes(confusion_matrix_png(mixed, names));
  ASSERT_EQ(a.width, b.width);
  EXPECT_GT(differing_pixels(a, b), 1000);
  EXPECT_THROW(confusion_matrix_png(torch::eye(2), names), DataError);
  std::filesystem::remove_all(dir);
}

TEST(Colormap, MagmaRunsFromDarkToLightMonotonically) {
  double last = -1;
  for (int i = 0; i <= 100; ++i) {
    const Rgb c = magma(i / 100.0);
    const double lightness = 0.299 * c.r + 0.587 * c.g + 0.114 * c.b;
    EXPECT_GT(lightness, last - 1e-9);
    last = lightness;
  }
  EXPECT_NEAR(magma(1.0).r, 0.987053, 1e-6);
  EXPECT_EQ(magma_argb32(std::nan("")), magma_argb32(0.0));
}

}  // namespace
}  // namespace audiogan::render
