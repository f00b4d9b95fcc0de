// glibc malloc tuning for tensor-sized blocks (see allocator.h for the measured reason).
#include "core/allocator.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace audiogan {

void keep_freed_memory_for_reuse() {
#if defined(__GLIBC__)
  // Setting either value also turns off glibc's dynamic threshold, which rises only after a
  // mapped block has been freed, and never above 32 MiB.
  mallopt(M_MMAP_THRESHOLD, 128 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
#endif
}

}  // namespace audiogan
