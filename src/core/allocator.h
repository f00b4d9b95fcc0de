// How freed tensor memory goes back to the C allocator: kept for reuse instead of unmapped.
#pragma once

namespace audiogan {

// Makes glibc's malloc serve allocations up to 128 MiB from its heap and keep up to 512 MiB of
// freed memory, instead of mapping and unmapping every block above its dynamic threshold (at
// most 32 MiB). Operators allocate and free tensors of a few MiB all the time, and each fresh
// mapping costs a page fault per 4 KiB touched: training at 512 frames spent 2.5x more time in
// the kernel without this (bench/RESULTS.md). A no-op with other C libraries. Call once, first.
void keep_freed_memory_for_reuse();

}  // namespace audiogan
