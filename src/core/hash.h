// The one hash audiogan uses: FNV-1a 64-bit (Fowler-Noll-Vo) with FNV's prime, but with the
// offset basis 1469598103934665603 where the published one is 14695981039346656037 (the first
// version dropped a digit). Every checkpoint checksum, cache name and clip id written so far
// depends on it, so it stays; the hash is as good, it is just not FNV's reference value. Not
// cryptographic: it names caches and clips after their inputs and checksums checkpoints
// against torn or flipped bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace audiogan {

// FNV-1a 64 of `size` bytes at `data`.
uint64_t fnv1a64(const char* data, size_t size);
inline uint64_t fnv1a64(std::string_view text) {
  return fnv1a64(text.data(), text.size());
}

// FNV-1a 64 of `text` as 16 lowercase hex digits: a stable name for a cache file or a clip.
std::string fnv1a64_hex(std::string_view text);

}  // namespace audiogan
