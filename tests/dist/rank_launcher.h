// Starting audiogan CLI processes as the ranks of a data-parallel run, as torchrun would (RANK,
// WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT in the environment), each with its output in
// a log file, and waiting for them with a deadline.
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace audiogan::dist_testing {

// A TCP port that was free a moment ago (the kernel's pick for port 0).
inline int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

struct Rank {
  pid_t pid = -1;
  std::string log;     // stdout and stderr
  int exit_code = -2;  // -1: killed by a signal; -2: still running / not waited for
};

// Starts `audiogan ARGS` as rank `rank` of `world` with the rendezvous at master_addr:port.
// world == 0 starts it without the variables (one process, as without torchrun).
inline Rank start_rank(const std::vector<std::string>& args, int rank, int world, int port,
                       const std::string& log, const std::string& master_addr = "127.0.0.1") {
  Rank r;
  r.log = log;
  // Everything the child needs is built before fork: between fork and exec only
  // async-signal-safe calls (open, dup2, execve, _exit).
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string entry = *e;
    bool ours = false;
    for (const char* name :
         {"RANK=", "LOCAL_RANK=", "WORLD_SIZE=", "MASTER_ADDR=", "MASTER_PORT="}) {
      ours = ours || entry.rfind(name, 0) == 0;
    }
    if (!ours) env.push_back(entry);
  }
  if (world > 0) {
    env.push_back("RANK=" + std::to_string(rank));
    env.push_back("LOCAL_RANK=" + std::to_string(rank));
    env.push_back("WORLD_SIZE=" + std::to_string(world));
    env.push_back("MASTER_ADDR=" + master_addr);
    env.push_back("MASTER_PORT=" + std::to_string(port));
  }
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string binary = AUDIOGAN_BINARY;
  std::vector<std::string> copy = args;
  std::vector<char*> argv;
  argv.push_back(binary.data());
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  r.pid = ::fork();
  if (r.pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) ::_exit(126);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::execve(binary.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  return r;
}

// Waits up to `timeout` for the rank to exit; true when it did (exit_code set).
inline bool wait_rank(Rank& r, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    const pid_t done = ::waitpid(r.pid, &status, WNOHANG);
    if (done == r.pid) {
      r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      return true;
    }
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// Kills a rank still running (a test's cleanup).
inline void kill_rank(Rank& r) {
  if (r.pid > 0 && r.exit_code == -2) {
    ::kill(r.pid, SIGKILL);
    int status = 0;
    ::waitpid(r.pid, &status, 0);
    r.exit_code = -1;
  }
}

inline std::string read_log(const Rank& r) {
  std::ifstream in(r.log);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Starts `world` ranks of `args_for(rank)` and waits for all of them; returns them exited
// (or killed after `timeout`).
template <typename ArgsFor>
std::vector<Rank> run_ranks(int world, ArgsFor args_for, const std::string& log_prefix,
                            std::chrono::milliseconds timeout) {
  const int port = free_port();
  std::vector<Rank> ranks;
  for (int r = 0; r < world; ++r) {
    ranks.push_back(
        start_rank(args_for(r), r, world, port, log_prefix + "-rank" + std::to_string(r) + ".log"));
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (auto& r : ranks) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (!wait_rank(r, std::max(left, std::chrono::milliseconds(1)))) kill_rank(r);
  }
  return ranks;
}

}  // namespace audiogan::dist_testing
