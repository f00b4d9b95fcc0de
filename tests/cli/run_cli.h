// Running the audiogan binary from a test: its exit status and what it printed.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace audiogan::cli_testing {

struct CliResult {
  int exit_code = -1;  // -1 when it did not exit normally (a signal)
  std::string output;  // stdout and stderr interleaved, or stderr alone
};

// `text` single-quoted for the shell.
inline std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs `audiogan ARGS` (ARGS as a shell would split them; quote paths with quoted()).
inline CliResult run_cli(const std::string& args, bool stderr_only = false) {
  CliResult result;
  const std::string command =
      std::string(AUDIOGAN_BINARY) + " " + args + (stderr_only ? " 2>&1 >/dev/null" : " 2>&1");
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return result;
  char buffer[4096];
  while (size_t n = std::fread(buffer, 1, sizeof(buffer), pipe)) result.output.append(buffer, n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace audiogan::cli_testing
