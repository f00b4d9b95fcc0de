// The one float -> 16-bit PCM conversion, shared by WAV files on disk and the server's in-memory
// WAVs, so a clip saved by `generate` and the same clip played in the browser hold equal samples.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace audiogan {

// round(x * 32768) clamped to [-32768, 32767]; NaN and inf become 0. libsndfile and NumPy-style
// readers divide by 32768, so every value on the 16-bit grid reads back exactly.
inline int16_t pcm16_from_float(float x) {
  if (!std::isfinite(x)) return 0;
  return static_cast<int16_t>(std::clamp(std::lrint(x * 32768.0), -32768L, 32767L));
}

// Griffin-Lim and vocoders can pass full scale: a clip whose peak exceeds `ceiling` is scaled
// down to it instead of being clipped. Every generated clip written as 16-bit PCM (generate,
// the web page, training's per-epoch audio) goes through this, so one seed gives one clip.
inline void limit_peak(std::vector<float>& samples, float ceiling = 0.99f) {
  float peak = 0.f;
  for (float s : samples) peak = std::max(peak, std::abs(s));
  if (peak > ceiling) {
    for (float& s : samples) s *= ceiling / peak;
  }
}

}  // namespace audiogan
