// Perceptual colour map for spectrogram images: matplotlib's "magma" (van der Walt & Smith,
// CC0), sampled at 17 control points and linearly interpolated in between.
#pragma once

#include <cstdint>

namespace audiogan::render {

struct Rgb {
  double r, g, b;  // [0, 1]
};

// t in [0, 1] (clamped; NaN maps to 0) -> magma colour. Dark purple at 0, pale yellow at 1;
// lightness rises monotonically so the image reads the same in grey scale.
Rgb magma(double t);

// The same colour packed as cairo's native ARGB32 pixel (opaque).
uint32_t magma_argb32(double t);

}  // namespace audiogan::render
