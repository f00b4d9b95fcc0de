// Which collapse warnings reach the log: the first of a streak, then every N epochs, and a
// streak that broke starts again.
#include "cli/warning_throttle.h"

#include <gtest/gtest.h>

namespace audiogan {
namespace {

const std::string kNoSilence =
    "generated log-mels have sound over the data's silences: 100% of frames active";

TEST(WarningThrottle, TellsAStreakAtItsStartAndEveryNEpochs) {
  WarningThrottle throttle(3);
  std::vector<int> told;
  for (int epoch = 1; epoch <= 8; ++epoch) {
    if (throttle.tell(kNoSilence, epoch)) told.push_back(epoch);
  }
  EXPECT_EQ(told, (std::vector<int>{1, 4, 7}));
  const auto repeat = throttle.tell(kNoSilence, 10);  // epoch 9 was clean: a new streak
  ASSERT_TRUE(repeat.has_value());
  EXPECT_EQ(*repeat, kNoSilence);
  EXPECT_FALSE(throttle.tell(kNoSilence, 11).has_value());
}

TEST(WarningThrottle, RepeatsSayHowLongTheConditionHasLasted) {
  WarningThrottle throttle(2);
  ASSERT_TRUE(throttle.tell(kNoSilence, 5).has_value());
  EXPECT_FALSE(throttle.tell(kNoSilence, 6).has_value());
  const auto repeat = throttle.tell(kNoSilence, 7);
  ASSERT_TRUE(repeat.has_value());
  EXPECT_EQ(*repeat, kNoSilence + " (every epoch since epoch 5)");
}

TEST(WarningThrottle, KindsAreThrottledApart) {
  WarningThrottle throttle(10);
  EXPECT_TRUE(throttle.tell(kNoSilence, 1).has_value());
  EXPECT_TRUE(throttle.tell("all classes sound nearly the same (distance 0.1)", 2).has_value());
  EXPECT_FALSE(throttle.tell(kNoSilence + " and more", 2).has_value());  // same kind
  EXPECT_FALSE(throttle.tell("all classes sound nearly the same (distance 0.2)", 3).has_value());
}

}  // namespace
}  // namespace audiogan
