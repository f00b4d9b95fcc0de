// The one hash: FNV-1a 64 against its published test vectors, so cache names, clip ids and
// checkpoint checksums stay what earlier versions wrote.
#include "core/hash.h"

#include <gtest/gtest.h>

namespace audiogan {
namespace {

TEST(Hash, MatchesTheFnv1a64ReferenceVectors) {
  // From the FNV reference test suite (Fowler, Noll, Vo): "" -> offset basis, "a", "foobar".
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ull);
}

TEST(Hash, HexIsSixteenLowercaseDigitsOfTheSameValue) {
  EXPECT_EQ(fnv1a64_hex("a"), "af63dc4c8601ec8c");
  EXPECT_EQ(fnv1a64_hex(""), "cbf29ce484222325");
}

TEST(Hash, BytesAboveSevenBitsHashAsUnsigned) {
  // A signed-char implementation would sign-extend 0xff and give another value.
  const char byte = static_cast<char>(0xff);
  uint64_t expected = 0xcbf29ce484222325ull;
  expected ^= 0xffu;
  expected *= 1099511628211ull;
  EXPECT_EQ(fnv1a64(&byte, 1), expected);
}

}  // namespace
}  // namespace audiogan
