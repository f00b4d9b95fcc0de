#include "perf/op_profile.h"

#include <gtest/gtest.h>

namespace audiogan {
namespace {

const OperatorTime* find(const OperatorProfile& profile, const std::string& name) {
  for (const auto& op : profile.by_self) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

TEST(OperatorProfile, CountsEveryCallAndSelfTimesAddUpToTheWall) {
  const auto a = torch::randn({256, 256});
  const auto profile = profile_operators([&] {
    for (int i = 0; i < 3; ++i) {
      auto b = torch::mm(a, a);
      b.add_(1.0);
    }
  });
  const OperatorTime* mm = find(profile, "aten::mm");
  ASSERT_NE(mm, nullptr);
  EXPECT_EQ(mm->calls, 3);
  EXPECT_GT(mm->self_seconds, 0.0);
  EXPECT_LE(mm->self_seconds, mm->total_seconds + 1e-12);
  const OperatorTime* add = find(profile, "aten::add_");
  ASSERT_NE(add, nullptr);
  EXPECT_GE(add->calls, 3);  // add_(Scalar) may record again as it redispatches
  double self = 0;
  for (const auto& op : profile.by_self) self += op.self_seconds;
  EXPECT_LE(self, profile.wall_seconds * 1.001);
  for (size_t i = 1; i < profile.by_self.size(); ++i) {
    EXPECT_GE(profile.by_self[i - 1].self_seconds, profile.by_self[i].self_seconds);
  }
}

TEST(OperatorProfile, RecordsAutogradBackwardNodesAndStopsAfterwards) {
  auto w = torch::randn({64, 64}, torch::requires_grad());
  const auto profile = profile_operators([&] { torch::mm(w, w).sum().backward(); });
  bool backward = false;
  for (const auto& op : profile.by_self)
    backward = backward || op.name.find("MmBackward") != std::string::npos;
  EXPECT_TRUE(backward);
  // The observer is gone: a second profile sees only its own work.
  const auto second = profile_operators([&] { torch::relu(w.detach()); });
  EXPECT_EQ(find(second, "aten::mm"), nullptr);
}

}  // namespace
}  // namespace audiogan
