// SIGINT/SIGTERM turned into a stop request that a long job polls, so it ends with a checkpoint
// instead of dying mid-step. One per process at a time (signal handlers are process-wide).
#pragma once

#include <atomic>

namespace audiogan::cli {

// While alive: the first SIGINT or SIGTERM sets stop_requested(); a second SIGINT ends the
// process at once (the handler restores the default action), while repeated SIGTERMs (sent to
// the process and again to its group by `timeout` and schedulers) only repeat the request.
// Destruction restores the default actions, except SIGTERM's after a stop was requested: the
// process is then finishing, and a repeated SIGTERM must not end it with its summary unwritten.
class StopSignal {
 public:
  StopSignal();
  ~StopSignal();
  StopSignal(const StopSignal&) = delete;
  StopSignal& operator=(const StopSignal&) = delete;

  // The flag to hand to the job (TrainOptions::stop and the like).
  const std::atomic<bool>* stop_requested() const;
};

}  // namespace audiogan::cli
