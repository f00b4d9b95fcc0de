// StopSignal: a signal becomes a stop request, a second Ctrl-C would end the process (a repeated
// SIGTERM would not), and the default actions come back when the guard goes (SIGTERM's only when
// no stop was requested).
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

TEST(StopSignal, ASignalRequestsAStopAndTheNextCtrlCWouldEndTheProcess) {
  for (int signal : {SIGINT, SIGTERM}) {
    SCOPED_TRACE(signal);
    StopSignal guard;
    EXPECT_FALSE(guard.stop_requested()->load());
    EXPECT_FALSE(handler_is_default(signal));
    std::raise(signal);
    EXPECT_TRUE(guard.stop_requested()->load());
    // A second Ctrl-C ends the process at once; a repeated SIGTERM only repeats the request.
    EXPECT_EQ(handler_is_default(signal), signal == SIGINT);
  }
}

TEST(StopSignal, ARepeatedSigtermKeepsTheProcessAlive) {
  StopSignal guard;
  std::raise(SIGTERM);
  std::raise(SIGTERM);  // would end this test binary if the default action were back
  EXPECT_TRUE(guard.stop_requested()->load());
}

TEST(StopSignal, ANewGuardStartsClearAndTheDefaultsComeBack) {
  { StopSignal untouched; }
  EXPECT_TRUE(handler_is_default(SIGINT));
  EXPECT_TRUE(handler_is_default(SIGTERM));
  {
    StopSignal first;
    std::raise(SIGTERM);
    EXPECT_TRUE(first.stop_requested()->load());
  }
  EXPECT_TRUE(handler_is_default(SIGINT));
  // Stopping: a repeated SIGTERM during the summary and teardown must not kill the process.
  EXPECT_FALSE(handler_is_default(SIGTERM));
  std::raise(SIGTERM);
  StopSignal second;
  EXPECT_FALSE(second.stop_requested()->load());
}

}  // namespace
}  // namespace audiogan::cli
