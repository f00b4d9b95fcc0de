#include "core/hash.h"

#include <cstdio>

namespace audiogan {

uint64_t fnv1a64(const char* data, size_t size) {
  // kOffsetBasis is audiogan's, not FNV's published 14695981039346656037: see hash.h.
  constexpr uint64_t kOffsetBasis = 1469598103934665603ull, kPrime = 1099511628211ull;
  uint64_t hash = kOffsetBasis;
  for (size_t i = 0; i < size; ++i) {
    hash ^= static_cast<unsigned char>(data[i]);
    hash *= kPrime;
  }
  return hash;
}

std::string fnv1a64_hex(std::string_view text) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fnv1a64(text)));
  return hex;
}

}  // namespace audiogan
