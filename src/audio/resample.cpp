// Sample-rate conversion with libsoxr (one-shot, high quality).
#include "audio/resample.h"

#include <soxr.h>

#include <cmath>

#include "core/error.h"

namespace audiogan {

std::vector<float> resample(const std::vector<float>& samples, int from_rate, int to_rate) {
  if (from_rate <= 0 || to_rate <= 0) {
    throw DataError("resample: rates must be positive, got " + std::to_string(from_rate) + " -> " +
                    std::to_string(to_rate) + " Hz");
  }
  if (from_rate == to_rate || samples.empty()) return samples;
  const double ratio = static_cast<double>(to_rate) / from_rate;
  const auto out_length = static_cast<size_t>(std::llround(samples.size() * ratio));
  // soxr writes through a null buffer when asked for no output (one 48 kHz sample -> 22.05 kHz).
  if (out_length == 0) {
    throw DataError("resample: " + std::to_string(samples.size()) + " sample(s) at " +
                    std::to_string(from_rate) + " Hz make less than one sample at " +
                    std::to_string(to_rate) + " Hz");
  }
  std::vector<float> out(out_length);
  size_t done = 0;
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  const soxr_error_t error =
      soxr_oneshot(from_rate, to_rate, /*num_channels=*/1, samples.data(), samples.size(), nullptr,
                   out.data(), out.size(), &done, &io, &quality, nullptr);
  if (error) {
    throw DataError("resample: soxr failed converting " + std::to_string(from_rate) + " -> " +
                    std::to_string(to_rate) + " Hz: " + error);
  }
  out.resize(done);
  return out;
}

}  // namespace audiogan
