// Process-wide stop flag set from a signal handler: only a lock-free atomic store happens there.
#include "cli/stop_signal.h"

#include <csignal>

namespace audiogan::cli {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_stop_signal(int signal) {
  g_stop.store(true);
  std::signal(signal, SIG_DFL);  // a second Ctrl-C ends at once
}

}  // namespace

StopSignal::StopSignal() {
  g_stop.store(false);
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
}

StopSignal::~StopSignal() {
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

const std::atomic<bool>* StopSignal::stop_requested() const {
  return &g_stop;
}

}  // namespace audiogan::cli
