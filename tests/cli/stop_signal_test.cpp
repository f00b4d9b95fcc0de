// StopSignal: a signal becomes a stop request, the next one would end the process, and the
// default actions come back when the guard goes.
#include "cli/stop_signal.h"

#include <gtest/gtest.h>

#include <csignal>

namespace audiogan::cli {
namespace {

bool handler_is_default(int signal) {
  struct sigaction current {};
  sigaction(signal, nullptr, &current);
  return current.sa_handler == SIG_DFL;
}

TEST(StopSignal, ASignalRequestsAStopAndTheNextWouldEndTheProcess) {
  for (int signal : {SIGINT, SIGTERM}) {
    SCOPED_TRACE(signal);
    StopSignal guard;
    EXPECT_FALSE(guard.stop_requested()->load());
    EXPECT_FALSE(handler_is_default(signal));
    std::raise(signal);
    EXPECT_TRUE(guard.stop_requested()->load());
    EXPECT_TRUE(handler_is_default(signal));  // a second one ends the process at once
  }
}

TEST(StopSignal, ANewGuardStartsClearAndTheDefaultsComeBack) {
  {
    StopSignal first;
    std::raise(SIGTERM);
    EXPECT_TRUE(first.stop_requested()->load());
  }
  EXPECT_TRUE(handler_is_default(SIGINT));
  EXPECT_TRUE(handler_is_default(SIGTERM));
  StopSignal second;
  EXPECT_FALSE(second.stop_requested()->load());
}

}  // namespace
}  // namespace audiogan::cli
