// Intra-op thread count: Debian's LibTorch starts with one thread, audiogan uses every core.
#pragma once

namespace audiogan {

// Sets LibTorch's intra-op threads to `threads`, or to every core when 0. Returns the count set.
int configure_threads(int threads);

}  // namespace audiogan
