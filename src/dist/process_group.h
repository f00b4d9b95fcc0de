// Data-parallel training's link between processes: the launcher's environment (torchrun sets
// RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT) and a c10d process group over it
// (a TCPStore rendezvous hosted by rank 0, Gloo on CPUs, NCCL on CUDA when built with it).
// Every collective is called by every rank in the same order; failures become DistError naming
// this rank and the operation, and no collective waits longer than the configured timeout.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace audiogan::dist {

// What the launcher told this process. Without RANK and WORLD_SIZE in the environment a
// process is rank 0 of 1 (single-process training, exactly as before).
struct LaunchEnv {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  // torchrun's agent already hosts the rendezvous store at MASTER_ADDR:MASTER_PORT
  // (TORCHELASTIC_USE_AGENT_STORE=True): every rank connects to it, none hosts one.
  bool agent_store = false;
  int restart_count = 0;  // TORCHELASTIC_RESTART_COUNT: keys of each attempt are kept apart

  bool distributed() const { return world_size > 1; }
  // Reads the variables; a malformed or inconsistent one (RANK outside [0, WORLD_SIZE), a port
  // outside [1, 65535], RANK without WORLD_SIZE) is a ConfigError naming it.
  static LaunchEnv from_environment();
  std::string to_string() const;
};

struct ProcessGroupOptions {
  std::string backend = "auto";  // {auto, gloo, nccl}; auto = nccl on CUDA, else gloo
  double timeout_s = 300;        // (0, inf): per collective, and for the rendezvous
  bool cuda = false;             // the tensors the collectives see live on CUDA
};

// The backends this build can use: "gloo" when c10d's Gloo headers were found, plus "nccl"
// when LibTorch has CUDA and ProcessGroupNCCL.
std::vector<std::string> available_backends();

class ProcessGroup {
 public:
  // Rendezvous at MASTER_ADDR:MASTER_PORT and create the group. Throws DistError naming the
  // address when it cannot be reached within the timeout, ConfigError for a backend this build
  // lacks.
  static std::unique_ptr<ProcessGroup> connect(const LaunchEnv& env,
                                               const ProcessGroupOptions& options);
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  int rank() const { return env_.rank; }
  int size() const { return env_.world_size; }
  int local_rank() const { return env_.local_rank; }
  const std::string& backend() const { return backend_; }
  std::chrono::milliseconds timeout() const { return timeout_; }

  // In place: each of the tensors [any shape] becomes its sum over ranks (one collective per
  // tensor, all in flight together). `what` names the operation in errors ("gradients of D").
  void all_reduce_sum(std::vector<torch::Tensor>& tensors, const std::string& what);
  // In place: each of the tensors becomes rank `root`'s (one collective per tensor).
  void broadcast(std::vector<torch::Tensor>& tensors, int root, const std::string& what);
  // Returns when every rank has called it (or throws DistError after the timeout).
  void barrier(const std::string& what);

  // For waits on one rank's long local work (rank 0's epoch outputs, the cache build), which
  // may take longer than a collective's timeout: rank 0 marks `key` done; the others wait up
  // to `timeout`. If rank 0 dies, its store goes with it and the wait fails at once.
  void mark_done(const std::string& key);
  void wait_done(const std::string& key, std::chrono::milliseconds timeout);

 private:
  struct Impl;
  ProcessGroup(LaunchEnv env, std::string backend, std::chrono::milliseconds timeout,
               std::unique_ptr<Impl> impl);
  [[noreturn]] void fail(const std::string& what, const std::exception& error) const;

  LaunchEnv env_;
  std::string backend_;
  std::chrono::milliseconds timeout_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace audiogan::dist
