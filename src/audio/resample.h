// Sample-rate conversion with libsoxr at high quality.
#pragma once

#include <vector>

namespace audiogan {

// Returns `samples` converted from `from_rate` to `to_rate` Hz (a copy when the rates are equal).
// ref: soxr_oneshot with SOXR_HQ.
std::vector<float> resample(const std::vector<float>& samples, int from_rate, int to_rate);

}  // namespace audiogan
