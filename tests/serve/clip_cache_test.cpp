// The clip cache stays within its count and byte bounds and evicts the least recently used.
#include <gtest/gtest.h>

#include "serve/clip_cache.h"

namespace audiogan::serve {
namespace {

std::shared_ptr<const Clip> clip_of(size_t bytes) {
  auto clip = std::make_shared<Clip>();
  clip->wav.assign(bytes, 'w');
  return clip;
}

TEST(ClipCache, EvictsTheLeastRecentlyUsedBeyondTheCount) {
  ClipCache cache({/*max_clips=*/2, /*max_bytes=*/1000});
  cache.put("a", clip_of(10));
  cache.put("b", clip_of(10));
  ASSERT_NE(cache.get("a"), nullptr);  // "a" is now the most recently used
  cache.put("c", clip_of(10));
  EXPECT_NE(cache.get("a"), nullptr);
  EXPECT_EQ(cache.get("b"), nullptr);
  EXPECT_NE(cache.get("c"), nullptr);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(ClipCache, StaysWithinItsByteBound) {
  ClipCache cache({/*max_clips=*/100, /*max_bytes=*/250});
  for (int i = 0; i < 10; ++i) cache.put(std::to_string(i), clip_of(100));
  EXPECT_LE(cache.bytes(), 250u);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_NE(cache.get("9"), nullptr);
  cache.put("huge", clip_of(1000));  // larger than the bound on its own: not kept
  EXPECT_EQ(cache.get("huge"), nullptr);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(ClipCache, ReplacingAnIdKeepsTheByteCountExact) {
  ClipCache cache({/*max_clips=*/10, /*max_bytes=*/1000});
  cache.put("a", clip_of(100));
  cache.put("a", clip_of(30));
  EXPECT_EQ(cache.bytes(), 30u);
  EXPECT_EQ(cache.size(), 1u);
}

}  // namespace
}  // namespace audiogan::serve
