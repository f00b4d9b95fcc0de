// A portable, seeded permutation: the same (seed, epoch) gives the same order on every platform
// and standard library (std::shuffle's algorithm is not specified).
#pragma once

#include <cstdint>
#include <vector>

namespace audiogan {

// A permutation of [0, n): Fisher-Yates driven by splitmix64 seeded from (seed, epoch).
std::vector<int64_t> shuffled_indices(int64_t n, uint64_t seed, uint64_t epoch);

}  // namespace audiogan
