// The main of every Google Benchmark binary here: the audiogan command's allocator setting
// (core/allocator.h), so figures compare with `audiogan bench`, then the usual benchmark run.
#pragma once

#include <benchmark/benchmark.h>

#include "core/allocator.h"

namespace audiogan::bench {

inline int run_benchmarks(int argc, char** argv) {
  keep_freed_memory_for_reuse();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace audiogan::bench
