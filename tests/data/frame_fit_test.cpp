#include "data/frame_fit.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace audiogan {
namespace {

torch::Tensor lengths(std::vector<int64_t> values) {
  return torch::tensor(values, torch::kLong);
}

TEST(FrameFit, TakesTheFiftyFifthPercentileRoundedUpToSixteen) {
  // 8 clips: the 5th smallest (ceil(0.55 * 8) = 5) is 45 -> 48.
  EXPECT_EQ(fit_frames(lengths({41, 20, 49, 30, 45, 44, 58, 82})), 48);
  // 20 clips 1..20 (x 10): the 11th smallest (ceil(0.55 * 20) = 11) is 110 -> 112.
  std::vector<int64_t> ramp;
  for (int64_t i = 20; i >= 1; --i) ramp.push_back(10 * i);
  EXPECT_EQ(fit_frames(lengths(ramp)), 112);
  // An exact multiple of 16 stays.
  EXPECT_EQ(fit_frames(lengths({96, 96, 96, 96})), 96);
}

TEST(FrameFit, IgnoresAFewLongTailsAndClampsToTheProbeLength) {
  // Most hits are short; two ringing cymbals do not set the length for all.
  EXPECT_EQ(fit_frames(lengths({70, 60, 73, 80, 65, 512, 512, 75})), 80);
  EXPECT_EQ(fit_frames(lengths({512, 512, 512})), kFrameFitProbeFrames);
  EXPECT_EQ(fit_frames(lengths({1, 2, 3})), 32);
}

// --lengths auto: variable while the longest clips need at most twice the fixed fit's frames
// (digits: 64 against 48), fixed beyond (the example drums: 512 against 96).
TEST(FrameFit, AutoLengthsAreVariableWithinTwiceTheFixedFit) {
  EXPECT_EQ(auto_lengths(48, 64), "variable");
  EXPECT_EQ(auto_lengths(48, 96), "variable");
  EXPECT_EQ(auto_lengths(48, 112), "fixed");
  EXPECT_EQ(auto_lengths(96, 512), "fixed");
}

// The variable-length fit: the longest 5 % of the clips lose their tails, not the other 95 %.
TEST(FrameFit, TheLongestFitLeavesOutTheLongestFivePercent) {
  std::vector<int64_t> words(96, 50);               // most clips sound for 50 frames
  for (int i = 0; i < 4; ++i) words.push_back(75);  // 4 % sound for 75
  EXPECT_EQ(fit_frames(lengths(words), kLongestFitQuantile), 64);
  for (int i = 0; i < 4; ++i) words.push_back(75);  // 8 %: past the fit, now it holds them
  EXPECT_EQ(fit_frames(lengths(words), kLongestFitQuantile), 80);
}

TEST(FrameFit, PercentileNamesReadAsEnglish) {
  EXPECT_EQ(percentile_name(kLongestFitQuantile), "95th percentile");
  EXPECT_EQ(percentile_name(kFrameFitQuantile), "55th percentile");
  EXPECT_EQ(percentile_name(0.91), "91st percentile");
  EXPECT_EQ(percentile_name(0.92), "92nd percentile");
  EXPECT_EQ(percentile_name(0.13), "13th percentile");
  EXPECT_EQ(percentile_name(0.5), "50th percentile");
}

TEST(FrameFit, EmptyDataIsADataError) {
  EXPECT_THROW(fit_frames(torch::empty({0}, torch::kLong)), DataError);
}

TEST(FrameFit, SeedArchKeepsTheSeedLengthAndExplicitFramesAreKept) {
  Dataset nothing;  // never scanned: neither case reads audio
  FrontendConfig frontend;
  frontend.frames = 0;
  EXPECT_EQ(resolve_training_frames(nothing, frontend, "seed", "", 1, {}, nullptr).frames, 512);
  frontend.frames = 48;
  EXPECT_EQ(resolve_training_frames(nothing, frontend, "default", "", 1, {}, nullptr).frames, 48);
}

// Without reading audio: an explicit length stays (auto is then fixed, variable stays variable),
// and the seed design is fixed at its 512 frames.
TEST(FrameFit, TrainingLengthsKeepAnExplicitLengthAndTheSeedDesign) {
  Dataset nothing;  // never scanned
  FrontendConfig frontend;
  frontend.frames = 48;
  TrainingLengths chosen =
      resolve_training_lengths(nothing, frontend, "default", "auto", true, "", 1, {}, nullptr);
  EXPECT_EQ(chosen.frontend.frames, 48);
  EXPECT_EQ(chosen.lengths, "fixed");
  EXPECT_EQ(chosen.longest_fit, 0);
  chosen =
      resolve_training_lengths(nothing, frontend, "default", "variable", true, "", 1, {}, nullptr);
  EXPECT_EQ(chosen.lengths, "variable");
  EXPECT_EQ(chosen.frontend.frames, 48);
  frontend.frames = 0;
  chosen = resolve_training_lengths(nothing, frontend, "seed", "auto", true, "", 1, {}, nullptr);
  EXPECT_EQ(chosen.frontend.frames, kFrameFitProbeFrames);
  EXPECT_EQ(chosen.lengths, "fixed");
}

}  // namespace
}  // namespace audiogan
