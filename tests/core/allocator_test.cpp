// The allocator setting: tensor-sized blocks come from malloc's heap and are reused, not mapped.
#include "core/allocator.h"

#include <gtest/gtest.h>

#if defined(__GLIBC__)
#include <malloc.h>

#include <cstdlib>
#endif

namespace audiogan {
namespace {

#if defined(__GLIBC__)
// AddressSanitizer replaces malloc with its own allocator, which glibc's settings and counters
// do not describe.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kMallocIsGlibcs = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kMallocIsGlibcs = false;
#else
constexpr bool kMallocIsGlibcs = true;
#endif
#else
constexpr bool kMallocIsGlibcs = true;
#endif

TEST(Allocator, TensorSizedBlocksAreServedFromTheHeapNotMapped) {
  if (!kMallocIsGlibcs) GTEST_SKIP() << "AddressSanitizer build: malloc is ASan's, not glibc's";
  keep_freed_memory_for_reuse();
  const int mapped_before = mallinfo2().hblks;
  // 8 MiB: far above glibc's initial 128 KiB mapping threshold.
  void* block = std::malloc(8 << 20);
  ASSERT_NE(block, nullptr);
  EXPECT_EQ(mallinfo2().hblks, mapped_before);
  std::free(block);
  // Freed memory stays with the process for the next block of that size.
  const size_t kept = mallinfo2().fordblks;
  EXPECT_GE(kept, size_t{8} << 20);
}
#endif

}  // namespace
}  // namespace audiogan
