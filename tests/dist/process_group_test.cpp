// dist::ProcessGroup and the gradient averaging over real c10d Gloo groups on loopback, two
// ranks as two threads of this process (each with its own group, as two processes would have).
#include "dist/process_group.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <thread>

#include "core/error.h"
#include "dist/data_parallel.h"
#include "rank_launcher.h"

namespace audiogan::dist {
namespace {

using Clock = std::chrono::steady_clock;

// Runs body(group) on `world` threads, rank r on thread r; rethrows nothing: failures are
// recorded per rank as the DistError text ("" = none).
std::vector<std::string> on_ranks(int world, double timeout_s,
                                  const std::function<void(ProcessGroup&)>& body) {
  const int port = dist_testing::free_port();
  std::vector<std::string> errors(static_cast<size_t>(world));
  std::vector<std::thread> threads;
  for (int r = 0; r < world; ++r) {
    threads.emplace_back([&, r] {
      try {
        LaunchEnv env;
        env.rank = r;
        env.world_size = world;
        env.master_port = port;
        ProcessGroupOptions options;
        options.backend = "gloo";
        options.timeout_s = timeout_s;
        auto group = ProcessGroup::connect(env, options);
        body(*group);
      } catch (const std::exception& error) {
        errors[static_cast<size_t>(r)] = error.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  return errors;
}

struct Net : torch::nn::Module {
  Net() {
    a = register_parameter("a", torch::zeros({3, 5}));
    b = register_parameter("b", torch::zeros({7}));
    c = register_parameter("c", torch::zeros({2, 2, 2}));
    unused = register_parameter("unused", torch::zeros({4}));
    running = register_buffer("running", torch::zeros({6}));
  }
  torch::Tensor a, b, c, unused, running;
};

TEST(ProcessGroup, BuildHasGloo) {
  const auto names = available_backends();
  EXPECT_NE(std::find(names.begin(), names.end(), "gloo"), names.end())
      << "built without c10d Gloo (install libgloo-dev and reconfigure)";
}

TEST(ProcessGroup, AveragesGradientsInSeveralBucketsAcrossTwoRanks) {
  std::vector<std::vector<torch::Tensor>> grads(2);
  std::vector<GradientSyncStats> stats(2);
  const auto errors = on_ranks(2, 20, [&](ProcessGroup& group) {
    Net net;
    const double scale = group.rank() + 1;  // rank 0: 1x, rank 1: 2x
    net.a.mutable_grad() = torch::arange(15, torch::kFloat).reshape({3, 5}) * scale;
    net.b.mutable_grad() = torch::full({7}, -1.0f) * scale;
    net.c.mutable_grad() = torch::ones({2, 2, 2}) * scale * 10;
    // 40 bytes per bucket: a (60 B) alone, b (28 B) alone, c (32 B) alone.
    GradientAverager averager(group, 40);
    averager.average(net, "the test net");
    grads[static_cast<size_t>(group.rank())] = {net.a.grad().clone(), net.b.grad().clone(),
                                                net.c.grad().clone()};
    EXPECT_FALSE(net.unused.grad().defined());
    stats[static_cast<size_t>(group.rank())] = averager.stats();
  });
  ASSERT_EQ(errors[0], "");
  ASSERT_EQ(errors[1], "");
  for (int r = 0; r < 2; ++r) {
    // mean of 1x and 2x = 1.5x, exactly representable
    EXPECT_TRUE(torch::equal(grads[r][0], torch::arange(15, torch::kFloat).reshape({3, 5}) * 1.5));
    EXPECT_TRUE(torch::equal(grads[r][1], torch::full({7}, -1.5f)));
    EXPECT_TRUE(torch::equal(grads[r][2], torch::full({2, 2, 2}, 15.0f)));
    EXPECT_EQ(stats[r].buckets, 3);
    EXPECT_EQ(stats[r].bytes, (15 + 7 + 8) * 4);
  }
}

TEST(ProcessGroup, BroadcastGivesEveryRankRankZerosWeightsAndBuffers) {
  std::vector<torch::Tensor> a(2), running(2);
  const auto errors = on_ranks(2, 20, [&](ProcessGroup& group) {
    Net net;
    torch::NoGradGuard no_grad;
    net.a.fill_(group.rank() == 0 ? 3.0 : -7.0);
    net.running.fill_(group.rank() == 0 ? 0.5 : 9.0);
    broadcast_module(group, net, 0, "the test net");
    a[static_cast<size_t>(group.rank())] = net.a.clone();
    running[static_cast<size_t>(group.rank())] = net.running.clone();
  });
  ASSERT_EQ(errors[0], "");
  ASSERT_EQ(errors[1], "");
  for (int r = 0; r < 2; ++r) {
    EXPECT_TRUE(torch::equal(a[r], torch::full({3, 5}, 3.0f)));
    EXPECT_TRUE(torch::equal(running[r], torch::full({6}, 0.5f)));
  }
}

TEST(ProcessGroup, ARankThatNeverJoinsFailsTheOtherWithinTheTimeout) {
  Clock::time_point failed_at;
  const auto start = Clock::now();
  const auto errors = on_ranks(2, 2.0, [&](ProcessGroup& group) {
    if (group.rank() == 1) {
      // Hangs (does not take part) for longer than the timeout, then leaves.
      std::this_thread::sleep_for(std::chrono::seconds(5));
      return;
    }
    std::vector<torch::Tensor> t = {torch::ones({4})};
    try {
      group.all_reduce_sum(t, "a test tensor");
    } catch (...) {
      failed_at = Clock::now();
      throw;
    }
  });
  EXPECT_NE(errors[0].find("rank 0 of 2: all-reduce of a test tensor failed"), std::string::npos)
      << errors[0];
  EXPECT_NE(errors[0].find("rank 1"), std::string::npos) << errors[0];
  const double seconds = std::chrono::duration<double>(failed_at - start).count();
  EXPECT_LT(seconds, 4.5) << "the timeout is 2 s";
}

TEST(ProcessGroup, UnreachableRendezvousIsADistErrorNamingTheAddress) {
  LaunchEnv env;
  env.rank = 1;  // a client: rank 0 (the host) is never started
  env.world_size = 2;
  env.master_port = dist_testing::free_port();
  ProcessGroupOptions options;
  options.timeout_s = 1.5;
  const auto start = Clock::now();
  try {
    ProcessGroup::connect(env, options);
    FAIL() << "connected to nothing";
  } catch (const DistError& error) {
    const std::string text = error.what();
    EXPECT_NE(text.find("MASTER_ADDR:MASTER_PORT=127.0.0.1:" + std::to_string(env.master_port)),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("rank 1 of 2"), std::string::npos) << text;
  }
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 10.0);
}

// As the wrong port above, with a MASTER_ADDR that does not resolve: c10d retries the lookup
// until the timeout and then says only "timed out"; the error must name the variable, its value
// and the actual cause, on one line (no c10d backtrace).
TEST(ProcessGroup, AMasterAddrThatDoesNotResolveIsADistErrorNamingIt) {
  for (const int rank : {0, 1}) {  // the store's host and a client
    LaunchEnv env;
    env.rank = rank;
    env.world_size = 2;
    env.master_addr = "no-such-host.invalid";  // RFC 6761: never resolves
    env.master_port = dist_testing::free_port();
    ProcessGroupOptions options;
    options.timeout_s = 1.5;
    const auto start = Clock::now();
    try {
      ProcessGroup::connect(env, options);
      ADD_FAILURE() << "rank " << rank << " connected to nothing";
    } catch (const DistError& error) {
      const std::string text = error.what();
      EXPECT_NE(text.find("rank " + std::to_string(rank) + " of 2"), std::string::npos) << text;
      EXPECT_NE(text.find("MASTER_ADDR=no-such-host.invalid does not resolve"), std::string::npos)
          << text;
      EXPECT_EQ(text.find('\n'), std::string::npos) << text;
    }
    EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 1.5 + 5.0);
  }
}

TEST(LaunchEnv, WithoutTorchrunVariablesIsOneProcess) {
  ::unsetenv("RANK");
  ::unsetenv("WORLD_SIZE");
  const auto env = LaunchEnv::from_environment();
  EXPECT_EQ(env.rank, 0);
  EXPECT_EQ(env.world_size, 1);
  EXPECT_FALSE(env.distributed());
}

TEST(LaunchEnv, ReadsTorchrunVariablesAndRejectsBadOnes) {
  ::setenv("RANK", "1", 1);
  ::setenv("WORLD_SIZE", "4", 1);
  ::setenv("LOCAL_RANK", "1", 1);
  ::setenv("MASTER_ADDR", "10.0.0.2", 1);
  ::setenv("MASTER_PORT", "29512", 1);
  const auto env = LaunchEnv::from_environment();
  EXPECT_EQ(env.rank, 1);
  EXPECT_EQ(env.world_size, 4);
  EXPECT_EQ(env.local_rank, 1);
  EXPECT_EQ(env.master_addr, "10.0.0.2");
  EXPECT_EQ(env.master_port, 29512);
  ::setenv("RANK", "4", 1);
  EXPECT_THROW(LaunchEnv::from_environment(), ConfigError);
  ::setenv("RANK", "x", 1);
  EXPECT_THROW(LaunchEnv::from_environment(), ConfigError);
  ::setenv("RANK", "0", 1);
  ::setenv("MASTER_PORT", "70000", 1);
  EXPECT_THROW(LaunchEnv::from_environment(), ConfigError);
  ::unsetenv("WORLD_SIZE");
  EXPECT_THROW(LaunchEnv::from_environment(), ConfigError);
  for (const char* name : {"RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"}) {
    ::unsetenv(name);
  }
}

}  // namespace
}  // namespace audiogan::dist
