// Collapse monitor: warns on silent or identical generated output, stays quiet on real data.
#include <gtest/gtest.h>

#include "train/collapse_monitor.h"

namespace audiogan {
namespace {

// Two classes of "clips" [N, 8 mels, 16 frames]: class 0 loud at the start, class 1 at the
// end, with per-sample variation.
std::pair<torch::Tensor, torch::Tensor> real_like(int per_class) {
  torch::manual_seed(3);
  auto x = torch::zeros({2 * per_class, 8, 16});
  auto y = torch::arange(2, torch::kLong).repeat_interleave(per_class);
  for (int i = 0; i < 2 * per_class; ++i) {
    const int start = i < per_class ? 0 : 8;
    x[i].narrow(1, start, 6).copy_(3.0 + torch::rand({8, 6}) * 3.0);
  }
  return {x, y};
}

TEST(CollapseMonitor, StaysQuietWhenTheOutputLooksLikeTheData) {
  auto [x, y] = real_like(6);
  auto stats = measure_outputs(x, y, 2, 1.0);
  EXPECT_GT(stats.active_frames, 0.3);
  auto report = check_collapse(stats, stats, 2, {});
  EXPECT_TRUE(report.warnings.empty());
}

TEST(CollapseMonitor, WarnsWhenTheGeneratorOutputsSilence) {
  auto [x, y] = real_like(6);
  auto real = measure_outputs(x, y, 2, 1.0);
  // A generator stuck at tanh = -1 gives log1p mels of exactly 0 after denormalisation.
  auto fake = measure_outputs(torch::zeros_like(x), y, 2, 1.0);
  auto report = check_collapse(fake, real, 2, {});
  ASSERT_FALSE(report.warnings.empty());
  EXPECT_NE(report.warnings[0].find("near-silent"), std::string::npos);
  EXPECT_EQ(report.to_json()["warnings"].size(), report.warnings.size());
}

TEST(CollapseMonitor, WarnsWhenTheGeneratorPaintsSoundOverTheSilences) {
  auto [x, y] = real_like(6);
  auto real = measure_outputs(x, y, 2, 1.0);  // 6 of 16 frames active
  // Loud varying noise in every frame: diverse on the pixels, but none of the data's silence.
  torch::manual_seed(4);
  auto noise = 2.0 + torch::rand_like(x) * 4.0;
  auto fake = measure_outputs(noise, y, 2, 1.0);
  EXPECT_DOUBLE_EQ(fake.active_frames, 1.0);
  auto report = check_collapse(fake, real, 2, {});
  ASSERT_EQ(report.warnings.size(), 1u) << report.to_json().dump();
  EXPECT_NE(report.warnings[0].find("sound over the data's silences"), std::string::npos);
  // One more active frame of 16 than the data (6 points) is within the 10-point line ...
  auto louder = x.clone();
  louder.narrow(2, 6, 1).fill_(3.0);
  EXPECT_TRUE(check_collapse(measure_outputs(louder, y, 2, 1.0), real, 2, {}).warnings.empty());
  // ... two more (12.5 points, a hit ringing on past its decay) are not.
  louder.narrow(2, 7, 1).fill_(3.0);
  const auto ringing = check_collapse(measure_outputs(louder, y, 2, 1.0), real, 2, {});
  ASSERT_EQ(ringing.warnings.size(), 1u);
  EXPECT_NE(ringing.warnings[0].find("50.0%"), std::string::npos) << ringing.warnings[0];
}

TEST(CollapseMonitor, WarnsWhenEverySampleIsTheSame) {
  auto [x, y] = real_like(6);
  auto real = measure_outputs(x, y, 2, 1.0);
  auto same = x[0].unsqueeze(0).expand_as(x).clone();  // loud, but one clip for every latent
  auto report = check_collapse(measure_outputs(same, y, 2, 1.0), real, 2, {});
  bool identical = false, classes = false;
  for (const auto& w : report.warnings) {
    identical = identical || w.find("nearly identical") != std::string::npos;
    classes = classes || w.find("classes") != std::string::npos;
  }
  EXPECT_TRUE(identical);
  EXPECT_TRUE(classes);
}

}  // namespace
}  // namespace audiogan
