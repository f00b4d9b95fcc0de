// Where a training step's time goes, operator by operator: an ATen RecordFunction observer on
// the calling thread accumulates each operator's total and self (exclusive of nested operators)
// wall time. Used by `audiogan bench --profile`; works with LibTorch 1.13 and 2.x without the
// Kineto profiler, which Debian's LibTorch may lack.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace audiogan {

struct OperatorTime {
  std::string name;  // e.g. "aten::mkldnn_convolution", "ConvolutionBackward0"
  int64_t calls = 0;
  double total_seconds = 0;  // including the operators it called
  double self_seconds = 0;   // excluding them: self times add up to the profiled time
};

struct OperatorProfile {
  double wall_seconds = 0;            // of the whole `work`
  std::vector<OperatorTime> by_self;  // sorted by self time, largest first
};

// Runs `work` on this thread with the observer installed and returns every operator it ran.
// Operators run by LibTorch's intra-op worker threads are counted inside the operator that
// dispatched them (the observer is thread-local). Not reentrant.
OperatorProfile profile_operators(const std::function<void()>& work);

}  // namespace audiogan
