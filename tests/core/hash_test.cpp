// The one hash: FNV-1a 64 with audiogan's offset basis (src/core/hash.h). The expected values
// come from an independent Python implementation of the same recurrence, so checkpoint
// checksums, cache names and clip ids stay what earlier versions wrote.
#include "core/hash.h"

#include <gtest/gtest.h>

namespace audiogan {
namespace {

TEST(Hash, MatchesAnIndependentImplementation) {
  // python3: h = 1469598103934665603; for c in data: h = ((h ^ c) * 0x100000001b3) % 2**64
  EXPECT_EQ(fnv1a64(""), 1469598103934665603ull);  // the empty input is the offset basis
  EXPECT_EQ(fnv1a64("a"), 0x44bd8ad473cd9906ull);
  EXPECT_EQ(fnv1a64("foobar"), 0x88fad7c0a8ff07f2ull);
}

TEST(Hash, HexIsSixteenLowercaseDigitsOfTheSameValue) {
  EXPECT_EQ(fnv1a64_hex("a"), "44bd8ad473cd9906");
  EXPECT_EQ(fnv1a64_hex(""), "14650fb0739d0383");
}

TEST(Hash, BytesAboveSevenBitsHashAsUnsigned) {
  // A signed-char implementation would sign-extend 0xff and give another value.
  const char byte = static_cast<char>(0xff);
  EXPECT_EQ(fnv1a64(&byte, 1), 0x44bd24d473ccebb4ull);
}

}  // namespace
}  // namespace audiogan
