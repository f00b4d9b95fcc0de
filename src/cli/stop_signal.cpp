// Process-wide stop flag set from a signal handler: only a lock-free atomic store happens there.
#include "cli/stop_signal.h"

#include <csignal>

namespace audiogan::cli {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_stop_signal(int signal) {
  g_stop.store(true);
  // A second Ctrl-C ends at once. A repeated SIGTERM does not: `timeout` and schedulers signal
  // the child and then its whole process group, so one stop request can arrive twice within
  // microseconds, and ending at the second would lose the checkpoint the first asked for.
  if (signal == SIGINT) std::signal(signal, SIG_DFL);
}

}  // namespace

StopSignal::StopSignal() {
  g_stop.store(false);
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
}

StopSignal::~StopSignal() {
  std::signal(SIGINT, SIG_DFL);
  // After a requested stop the process is on its way out (summary, teardown); a repeated
  // SIGTERM arriving then must not kill it with its output unflushed and a signal for a status.
  if (!g_stop.load()) std::signal(SIGTERM, SIG_DFL);
}

const std::atomic<bool>* StopSignal::stop_requested() const {
  return &g_stop;
}

}  // namespace audiogan::cli
