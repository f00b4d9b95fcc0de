// The c10d process group behind dist::ProcessGroup (see process_group.h).
// c10d declares ProcessGroupGloo only under USE_C10D_GLOO and needs Gloo's headers (Debian:
// libgloo-dev); CMake sets AUDIOGAN_HAVE_GLOO when it finds them. NCCL likewise needs a CUDA
// LibTorch and is compiled only under AUDIOGAN_HAVE_NCCL, so a CPU build never sees its headers.
#include "dist/process_group.h"

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <sstream>

#include "core/error.h"

#if AUDIOGAN_HAVE_GLOO
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO 1
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#if AUDIOGAN_HAVE_NCCL
#ifndef USE_C10D_NCCL
#define USE_C10D_NCCL 1
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

namespace audiogan::dist {
namespace {

// The integer in environment variable `name`, or `fallback` when unset.
int env_int(const char* name, int fallback) {
  const char* text = std::getenv(name);
  if (!text || !*text) return fallback;
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (*end != '\0' || value < 0 || value > 1 << 30) {
    throw ConfigError(std::string("dist: environment variable ") + name +
                      " expected a non-negative integer, got '" + text + "'");
  }
  return static_cast<int>(value);
}

bool env_set(const char* name) {
  const char* text = std::getenv(name);
  return text && *text;
}

// "300", "2.5": seconds as a person writes them.
std::string seconds_text(double seconds) {
  std::ostringstream out;
  out << seconds;
  return out.str();
}

bool is_loopback(const std::string& address) {
  return address == "localhost" || address.rfind("127.", 0) == 0 || address == "::1";
}

// The first line of a c10d message: some carry a C++ backtrace after it.
std::string first_line(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

// Why `host` does not resolve ("Name or service not known"), or "" when it does.
std::string resolve_failure(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int code = ::getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (code != 0) return ::gai_strerror(code);
  ::freeaddrinfo(found);
  return "";
}

// What a person should check when the rendezvous at MASTER_ADDR:MASTER_PORT failed with c10d's
// `error`. c10d retries a name that does not resolve until the timeout (a cluster's DNS may learn
// it late) and then reports only "timed out", so the name is looked up once more here to tell a
// wrong MASTER_ADDR from a rank 0 that is not there yet.
std::string rendezvous_cause(const LaunchEnv& env, const std::string& error) {
  if (const std::string why = resolve_failure(env.master_addr); !why.empty()) {
    return "MASTER_ADDR=" + env.master_addr + " does not resolve to an address (" + why +
           "); set MASTER_ADDR to rank 0's host name or IP address";
  }
  if (env.rank == 0 && !env.agent_store) {
    return "rank 0 hosts it on MASTER_PORT=" + std::to_string(env.master_port) +
           " and connects to it at MASTER_ADDR=" + env.master_addr +
           ": is MASTER_ADDR this host, is the port free and are all " +
           std::to_string(env.world_size) + " ranks started?";
  }
  const bool timed_out = error.find("imed out") != std::string::npos;
  return std::string(timed_out ? "nothing answered in time" : "no rendezvous answered") +
         " at MASTER_ADDR=" + env.master_addr + " MASTER_PORT=" + std::to_string(env.master_port) +
         ": is MASTER_ADDR rank 0's host, is rank 0 running, and is the port open to this host?";
}

}  // namespace

LaunchEnv LaunchEnv::from_environment() {
  LaunchEnv env;
  const bool has_rank = env_set("RANK"), has_world = env_set("WORLD_SIZE");
  if (!has_rank && !has_world) return env;
  if (has_rank != has_world) {
    throw ConfigError(std::string("dist: ") + (has_rank ? "RANK" : "WORLD_SIZE") + " is set but " +
                      (has_rank ? "WORLD_SIZE" : "RANK") +
                      " is not; launch with torchrun, which sets both");
  }
  env.rank = env_int("RANK", 0);
  env.world_size = env_int("WORLD_SIZE", 1);
  env.local_rank = env_int("LOCAL_RANK", env.rank);
  if (env.world_size < 1 || env.rank >= env.world_size) {
    throw ConfigError("dist: RANK expected [0, WORLD_SIZE=" + std::to_string(env.world_size) +
                      "), got " + std::to_string(env.rank));
  }
  if (const char* addr = std::getenv("MASTER_ADDR"); addr && *addr) env.master_addr = addr;
  env.master_port = env_int("MASTER_PORT", env.master_port);
  const char* agent = std::getenv("TORCHELASTIC_USE_AGENT_STORE");
  env.agent_store = agent && std::string(agent) == "True";
  env.restart_count = env_int("TORCHELASTIC_RESTART_COUNT", 0);
  if (env.master_port < 1 || env.master_port > 65535) {
    throw ConfigError("dist: MASTER_PORT expected [1, 65535], got " +
                      std::to_string(env.master_port));
  }
  return env;
}

std::string LaunchEnv::to_string() const {
  return "rank=" + std::to_string(rank) + " world_size=" + std::to_string(world_size) +
         " local_rank=" + std::to_string(local_rank) + " master=" + master_addr + ":" +
         std::to_string(master_port);
}

std::vector<std::string> available_backends() {
  std::vector<std::string> names;
#if AUDIOGAN_HAVE_GLOO
  names.push_back("gloo");
#endif
#if AUDIOGAN_HAVE_NCCL
  names.push_back("nccl");
#endif
  return names;
}

// The backend's collectives, type-erased: c10d's ProcessGroupGloo and ProcessGroupNCCL share
// these signatures in LibTorch 1.13 and 2.x, but not a base class (2.x derives them from Backend).
struct ProcessGroup::Impl {
  c10::intrusive_ptr<c10d::Store> store;
  std::function<c10::intrusive_ptr<c10d::Work>(std::vector<at::Tensor>&)> all_reduce;
  std::function<c10::intrusive_ptr<c10d::Work>(std::vector<at::Tensor>&, int)> broadcast;
  std::function<c10::intrusive_ptr<c10d::Work>()> barrier;

  template <typename Group>
  void bind(c10::intrusive_ptr<Group> group) {
    all_reduce = [group](std::vector<at::Tensor>& tensors) {
      return group->allreduce(tensors, c10d::AllreduceOptions());  // the default op: sum
    };
    broadcast = [group](std::vector<at::Tensor>& tensors, int root) {
      c10d::BroadcastOptions options;
      options.rootRank = root;
      return group->broadcast(tensors, options);
    };
    barrier = [group] { return group->barrier(c10d::BarrierOptions()); };
  }
};

std::unique_ptr<ProcessGroup> ProcessGroup::connect(const LaunchEnv& env,
                                                    const ProcessGroupOptions& options) {
  if (!(options.timeout_s > 0)) {
    throw ConfigError("dist: --dist-timeout expected > 0 s, got " +
                      seconds_text(options.timeout_s));
  }
  const auto timeout = std::chrono::milliseconds(static_cast<int64_t>(options.timeout_s * 1000));
  std::string backend = options.backend;
  if (backend == "auto") backend = options.cuda ? "nccl" : "gloo";
  const auto available = available_backends();
  if (std::find(available.begin(), available.end(), backend) == available.end()) {
    std::string names;
    for (const auto& name : available) names += (names.empty() ? "" : ", ") + name;
    throw ConfigError("dist: --dist-backend " + backend +
                      " is not in this build (built with: " + (names.empty() ? "none" : names) +
                      (backend == "gloo" ? "; install libgloo-dev and rebuild" : "") + ")");
  }
  if (backend == "nccl" && !options.cuda) {
    throw ConfigError("dist: --dist-backend nccl needs --device cuda");
  }

  const std::string where = env.master_addr + ":" + std::to_string(env.master_port);
  const std::string who =
      "dist: rank " + std::to_string(env.rank) + " of " + std::to_string(env.world_size);
  auto impl = std::make_unique<Impl>();
  try {
    c10d::TCPStoreOptions store_options;
    store_options.port = static_cast<uint16_t>(env.master_port);
    store_options.isServer = env.rank == 0 && !env.agent_store;
    store_options.numWorkers = static_cast<size_t>(env.world_size);
    store_options.waitWorkers = !env.agent_store;
    store_options.timeout = timeout;
    auto tcp = c10::make_intrusive<c10d::TCPStore>(env.master_addr, store_options);
    // As PyTorch names its workers' keys, apart from the agent's and from earlier attempts.
    impl->store = c10::make_intrusive<c10d::PrefixStore>(
        "/worker/attempt_" + std::to_string(env.restart_count), tcp);
  } catch (const std::exception& error) {
    throw DistError(who + ": rendezvous at MASTER_ADDR:MASTER_PORT=" + where + " failed within " +
                    seconds_text(options.timeout_s) + " s: " + rendezvous_cause(env, error.what()) +
                    " (c10d: " + first_line(error.what()) + ")");
  }
  try {
    if (backend == "gloo") {
#if AUDIOGAN_HAVE_GLOO
      auto gloo_options = c10d::ProcessGroupGloo::Options::create(timeout);
      // Loopback runs (one machine) stay on loopback; otherwise the interface named by
      // GLOO_SOCKET_IFNAME, or the one this host's name resolves to, as PyTorch does.
      if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname && *ifname) {
        gloo_options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
      } else if (is_loopback(env.master_addr)) {
        gloo_options->devices.push_back(
            c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
      } else {
        gloo_options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
      }
      impl->bind(c10::make_intrusive<c10d::ProcessGroupGloo>(impl->store, env.rank, env.world_size,
                                                             gloo_options));
#endif
    } else {
#if AUDIOGAN_HAVE_NCCL
      auto nccl_options = c10d::ProcessGroupNCCL::Options::create();
      nccl_options->timeout = timeout;
      impl->bind(c10::make_intrusive<c10d::ProcessGroupNCCL>(impl->store, env.rank, env.world_size,
                                                             nccl_options));
#endif
    }
  } catch (const std::exception& error) {
    // Gloo exchanges its addresses through the store: a store that connected to something other
    // than rank 0's rendezvous (a wrong MASTER_ADDR behind a proxy) fails here.
    throw DistError(who + ": creating the " + backend +
                    " process group (rendezvous at MASTER_ADDR:MASTER_PORT=" + where +
                    ") failed within " + seconds_text(options.timeout_s) +
                    " s: " + rendezvous_cause(env, error.what()) + " (" + backend + ": " +
                    first_line(error.what()) + ")");
  }
  return std::unique_ptr<ProcessGroup>(new ProcessGroup(env, backend, timeout, std::move(impl)));
}

ProcessGroup::ProcessGroup(LaunchEnv env, std::string backend, std::chrono::milliseconds timeout,
                           std::unique_ptr<Impl> impl)
    : env_(std::move(env)),
      backend_(std::move(backend)),
      timeout_(timeout),
      impl_(std::move(impl)) {}

ProcessGroup::~ProcessGroup() = default;

void ProcessGroup::fail(const std::string& what, const std::exception& error) const {
  const std::string text = error.what();
  const std::string peers = size() == 2
                                ? "rank " + std::to_string(1 - rank())
                                : "one of the other " + std::to_string(size() - 1) + " ranks";
  std::string cause;
  if (text.find("imed out") != std::string::npos || text.find("imeout") != std::string::npos) {
    cause = peers + " did not answer within --dist-timeout " +
            seconds_text(timeout_.count() / 1000.0) + " s (hung, or died without closing)";
  } else {
    cause = peers + " died or closed the connection";
  }
  throw DistError("dist: rank " + std::to_string(rank()) + " of " + std::to_string(size()) + ": " +
                  what + " failed: " + cause + " (" + backend_ + ": " + first_line(text) + ")");
}

void ProcessGroup::all_reduce_sum(std::vector<torch::Tensor>& tensors, const std::string& what) {
  // One collective per tensor (c10d reads a list as one tensor per device), all started
  // before the first wait so that the backend's threads can overlap them.
  std::vector<c10::intrusive_ptr<c10d::Work>> pending;
  try {
    for (auto& tensor : tensors) {
      std::vector<at::Tensor> one{tensor};
      pending.push_back(impl_->all_reduce(one));
    }
    for (auto& work : pending) work->wait();
  } catch (const std::exception& error) {
    fail("all-reduce of " + what, error);
  }
}

void ProcessGroup::broadcast(std::vector<torch::Tensor>& tensors, int root,
                             const std::string& what) {
  std::vector<c10::intrusive_ptr<c10d::Work>> pending;
  try {
    for (auto& tensor : tensors) {
      std::vector<at::Tensor> one{tensor};
      pending.push_back(impl_->broadcast(one, root));
    }
    for (auto& work : pending) work->wait();
  } catch (const std::exception& error) {
    fail("broadcast of " + what + " from rank " + std::to_string(root), error);
  }
}

void ProcessGroup::barrier(const std::string& what) {
  try {
    impl_->barrier()->wait();
  } catch (const std::exception& error) {
    fail("barrier (" + what + ")", error);
  }
}

void ProcessGroup::mark_done(const std::string& key) {
  try {
    impl_->store->set("audiogan/" + key, std::vector<uint8_t>{1});
  } catch (const std::exception& error) {
    fail("marking '" + key + "' done", error);
  }
}

void ProcessGroup::wait_done(const std::string& key, std::chrono::milliseconds timeout) {
  try {
    impl_->store->wait({"audiogan/" + key}, timeout);
  } catch (const std::exception& error) {
    throw DistError("dist: rank " + std::to_string(rank()) + " of " + std::to_string(size()) +
                    ": waiting for rank 0 to finish '" + key + "' failed: rank 0 died, or took " +
                    "longer than " + seconds_text(timeout.count() / 1000.0) + " s (" +
                    std::string(error.what()).substr(0, std::string(error.what()).find('\n')) +
                    ")");
  }
}

}  // namespace audiogan::dist
