// A portable, seeded permutation: the same (seed, epoch) gives the same order on every platform
// and standard library (std::shuffle's algorithm is not specified).
#pragma once

#include <cstdint>
#include <vector>

namespace audiogan {

// A permutation of [0, n): Fisher-Yates driven by splitmix64 seeded from (seed, epoch).
std::vector<int64_t> shuffled_indices(int64_t n, uint64_t seed, uint64_t epoch);

// An epoch in which every class is equally frequent: num_classes * floor(n / num_classes) entry
// indices (n = labels.size()), floor(n / num_classes) of each class, in shuffled order. Each
// class's entries come from an endless stream of shuffled passes over its clips, continued
// from epoch to epoch, so within a class every clip is drawn equally often over time (a small
// class repeats its clips within an epoch; a large one spreads its clips over several epochs).
// Labels outside [0, num_classes) or a class without clips are a DataError.
std::vector<int64_t> class_balanced_indices(const std::vector<int64_t>& labels, int num_classes,
                                            uint64_t seed, uint64_t epoch);

}  // namespace audiogan
