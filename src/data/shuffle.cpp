// Seeded Fisher-Yates shuffle. ref: splitmix64 (Steele, Lea, Flood 2014); Lemire's
// multiply-shift bounded integers (2019).
#include "data/shuffle.h"

#include <numeric>
#include <string>
#include <utility>

#include "core/error.h"

namespace audiogan {
namespace {

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Uniform in [0, bound) without modulo bias.
uint64_t bounded(uint64_t& state, uint64_t bound) {
  while (true) {
    const unsigned __int128 product = static_cast<unsigned __int128>(splitmix64(state)) * bound;
    const auto low = static_cast<uint64_t>(product);
    if (low >= (0 - bound) % bound) return static_cast<uint64_t>(product >> 64);
  }
}

}  // namespace

std::vector<int64_t> shuffled_indices(int64_t n, uint64_t seed, uint64_t epoch) {
  std::vector<int64_t> order(static_cast<size_t>(std::max<int64_t>(n, 0)));
  std::iota(order.begin(), order.end(), 0);
  uint64_t state = seed ^ (epoch * 0xD1B54A32D192ED03ULL + 0x8CB92BA72F3D8DD7ULL);
  for (size_t i = order.size(); i > 1; --i) {
    const auto j = static_cast<size_t>(bounded(state, i));
    std::swap(order[i - 1], order[j]);
  }
  return order;
}

std::vector<int64_t> class_balanced_indices(const std::vector<int64_t>& labels, int num_classes,
                                            uint64_t seed, uint64_t epoch) {
  if (num_classes < 1) throw DataError("class balance: expected at least one class");
  std::vector<std::vector<int64_t>> members(static_cast<size_t>(num_classes));
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= num_classes) {
      throw DataError("class balance: label " + std::to_string(labels[i]) + " of entry " +
                      std::to_string(i) + " is outside [0, " + std::to_string(num_classes) + ")");
    }
    members[static_cast<size_t>(labels[i])].push_back(static_cast<int64_t>(i));
  }
  const auto per_class = static_cast<uint64_t>(labels.size()) / static_cast<uint64_t>(num_classes);
  std::vector<int64_t> order;
  order.reserve(per_class * static_cast<uint64_t>(num_classes));
  for (int c = 0; c < num_classes; ++c) {
    const auto& clips = members[static_cast<size_t>(c)];
    if (clips.empty()) {
      throw DataError("class balance: class " + std::to_string(c) + " has no clips");
    }
    const auto size = static_cast<uint64_t>(clips.size());
    // Position p of the class's stream is clip pass[p % size] of pass p / size; each pass is its
    // own seeded permutation, independent of the other classes'.
    const uint64_t class_seed = seed ^ (static_cast<uint64_t>(c + 1) * 0x9E3779B97F4A7C15ULL);
    uint64_t current_pass = UINT64_MAX;
    std::vector<int64_t> pass;
    for (uint64_t p = epoch * per_class; p < (epoch + 1) * per_class; ++p) {
      if (p / size != current_pass) {
        current_pass = p / size;
        pass = shuffled_indices(static_cast<int64_t>(size), class_seed, current_pass);
      }
      order.push_back(clips[static_cast<size_t>(pass[p % size])]);
    }
  }
  const std::vector<int64_t> mix =
      shuffled_indices(static_cast<int64_t>(order.size()), seed, epoch);
  std::vector<int64_t> mixed(order.size());
  for (size_t i = 0; i < mix.size(); ++i) mixed[i] = order[static_cast<size_t>(mix[i])];
  return mixed;
}

}  // namespace audiogan
