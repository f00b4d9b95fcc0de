// The magma colour map from 17 control points. ref: matplotlib _cm_listed._magma_data (rows 0,
// 16, ..., 240, 255 of the 256-entry table).
#include "render/colormap.h"

#include <algorithm>
#include <cmath>

namespace audiogan::render {

namespace {
constexpr int kStops = 17;
constexpr Rgb kMagma[kStops] = {
    {0.001462, 0.000466, 0.013866}, {0.039608, 0.031090, 0.133515}, {0.113094, 0.065492, 0.276784},
    {0.211718, 0.061992, 0.418647}, {0.316654, 0.071690, 0.485380}, {0.414709, 0.110431, 0.504662},
    {0.512831, 0.148179, 0.507648}, {0.613617, 0.181811, 0.498536}, {0.716387, 0.214982, 0.475290},
    {0.816914, 0.255895, 0.436461}, {0.904281, 0.319610, 0.388137}, {0.960949, 0.418323, 0.359630},
    {0.986700, 0.535582, 0.382210}, {0.996096, 0.653659, 0.446213}, {0.996898, 0.769591, 0.534892},
    {0.992440, 0.884330, 0.640099}, {0.987053, 0.991438, 0.749504}};
// Table position of each stop (row / 255): the last gap is 15 rows, not 16.
constexpr double position(int i) {
  return i == kStops - 1 ? 1.0 : i * 16.0 / 255.0;
}
}  // namespace

Rgb magma(double t) {
  if (std::isnan(t)) t = 0.0;
  t = std::clamp(t, 0.0, 1.0);
  int i = std::min(static_cast<int>(t * 255.0 / 16.0), kStops - 2);
  const double a = (t - position(i)) / (position(i + 1) - position(i));
  const Rgb& lo = kMagma[i];
  const Rgb& hi = kMagma[i + 1];
  return {lo.r + a * (hi.r - lo.r), lo.g + a * (hi.g - lo.g), lo.b + a * (hi.b - lo.b)};
}

uint32_t magma_argb32(double t) {
  const Rgb c = magma(t);
  const auto byte = [](double v) { return static_cast<uint32_t>(std::lround(v * 255.0)); };
  return 0xff000000u | (byte(c.r) << 16) | (byte(c.g) << 8) | byte(c.b);
}

}  // namespace audiogan::render
