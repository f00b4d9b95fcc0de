// Seeded Fisher-Yates shuffle. ref: splitmix64 (Steele, Lea, Flood 2014); Lemire's
// multiply-shift bounded integers (2019).
#include "data/shuffle.h"

#include <numeric>
#include <utility>

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

}  // namespace audiogan
