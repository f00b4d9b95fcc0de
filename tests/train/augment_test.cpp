// D's input augmentation: what the policy text accepts, that translation moves sound in time
// without changing it, that cutout silences one rectangle, that gradients reach the input, and
// that the draws follow the generator's seed.
#include "train/augment.h"

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <set>

#include "core/config.h"
#include "core/error.h"

namespace audiogan {
namespace {

constexpr double kSilence = -1.0;

at::Generator generator(uint64_t seed) {
  return at::make_generator<at::CPUGeneratorImpl>(seed);
}

// [B, 1, M, F] of silence with one loud frame per sample at `frame`.
torch::Tensor one_loud_frame(int64_t batch, int64_t mels, int64_t frames, int64_t frame) {
  torch::Tensor x = torch::full({batch, 1, mels, frames}, kSilence);
  x.select(3, frame).fill_(0.5);
  return x;
}

TEST(Augment, ParsesPolicies) {
  EXPECT_FALSE(AugmentPolicy::parse("none").any());
  const AugmentPolicy both = AugmentPolicy::parse("translation,cutout");
  EXPECT_TRUE(both.translation);
  EXPECT_TRUE(both.cutout);
  const AugmentPolicy shift = AugmentPolicy::parse("translation");
  EXPECT_TRUE(shift.translation);
  EXPECT_FALSE(shift.cutout);
  EXPECT_THROW(AugmentPolicy::parse("flip"), ConfigError);
  EXPECT_THROW(AugmentPolicy::parse(""), ConfigError);
  EXPECT_THROW(AugmentPolicy::parse("translation,,cutout"), ConfigError);
}

TEST(Augment, AutoAugmentsSmallDataForTheDefaultArchOnly) {
  TrainConfig config;
  EXPECT_EQ(config.augment, "auto");
  EXPECT_EQ(config.resolved_augment(352), "translation,cutout");  // the example drums
  EXPECT_EQ(config.resolved_augment(4080), "none");               // the spoken digits
  config.arch = "seed";
  EXPECT_EQ(config.resolved_augment(352), "none");
  config.augment = "cutout";  // given explicitly: kept whatever the data
  EXPECT_EQ(config.resolved_augment(4080), "cutout");
}

TEST(Augment, TranslationMovesEachSampleWithinAnEighthAndFillsWithSilence) {
  const int64_t batch = 64, mels = 8, frames = 64, frame = 30;
  const torch::Tensor x = one_loud_frame(batch, mels, frames, frame);
  AugmentPolicy policy;
  policy.translation = true;
  auto rng = generator(3);
  const torch::Tensor y = augment(x, policy, kSilence, rng);
  ASSERT_EQ(y.sizes(), x.sizes());
  std::set<int64_t> shifts;
  for (int64_t b = 0; b < batch; ++b) {
    // The loud frame is somewhere in [frame - 8, frame + 8], intact; every other bin is silence.
    const torch::Tensor loud = (y[b][0][0] > kSilence).nonzero().flatten();
    ASSERT_EQ(loud.numel(), 1) << b;
    const int64_t at = loud.item<int64_t>();
    EXPECT_LE(std::abs(at - frame), frames / 8) << b;
    EXPECT_TRUE(torch::equal(y[b][0].select(1, at), x[b][0].select(1, frame))) << b;
    EXPECT_EQ((y[b] > kSilence).sum().item<int64_t>(), mels) << b;
    shifts.insert(at - frame);
  }
  EXPECT_GT(shifts.size(), 8u);  // the shifts vary from sample to sample

  // Sound pushed over the edge is gone, and silence comes in from the other side.
  const torch::Tensor edge = one_loud_frame(batch, mels, frames, 0);
  auto rng2 = generator(3);
  const torch::Tensor moved = augment(edge, policy, kSilence, rng2);
  const torch::Tensor kept = (moved > kSilence).flatten(1).any(1);
  EXPECT_GT(kept.sum().item<int64_t>(), 0);
  EXPECT_LT(kept.sum().item<int64_t>(), batch);
}

TEST(Augment, CutoutSilencesOneRectangleOfHalfEachSideAtMost) {
  const int64_t batch = 32, mels = 16, frames = 32;
  const torch::Tensor x = torch::rand({batch, 1, mels, frames});  // in [0, 1): never silence
  AugmentPolicy policy;
  policy.cutout = true;
  auto rng = generator(11);
  const torch::Tensor y = augment(x, policy, kSilence, rng);
  int64_t full = 0;
  for (int64_t b = 0; b < batch; ++b) {
    const torch::Tensor cut = y[b][0] == kSilence;  // [M, F]
    const int64_t count = cut.sum().item<int64_t>();
    EXPECT_LE(count, (mels / 2) * (frames / 2)) << b;
    if (count == (mels / 2) * (frames / 2)) ++full;
    // The cut bins form a rectangle: as many as the product of its row and column spans.
    const torch::Tensor rows = cut.any(1), cols = cut.any(0);
    EXPECT_EQ(count, rows.sum().item<int64_t>() * cols.sum().item<int64_t>()) << b;
    // Everything outside it is untouched.
    EXPECT_TRUE(torch::equal(y[b][0].masked_select(~cut), x[b][0].masked_select(~cut))) << b;
  }
  EXPECT_GT(full, 0);  // most rectangles lie wholly inside
}

TEST(Augment, GradientsReachTheInputOutsideTheCut) {
  torch::Tensor x = torch::rand({4, 1, 16, 32}).requires_grad_(true);
  const AugmentPolicy policy = AugmentPolicy::parse("translation,cutout");
  auto rng = generator(5);
  const torch::Tensor y = augment(x, policy, kSilence, rng);
  y.sum().backward();
  const torch::Tensor grad = x.grad();
  // Each input bin reaches the output at most once (weight 1) or not at all.
  EXPECT_TRUE(((grad == 0) | (grad == 1)).all().item<bool>());
  EXPECT_GT(grad.sum().item<double>(), 0.25 * x.numel());
  EXPECT_LT(grad.sum().item<double>(), x.numel());
}

// Under bf16 autocast G's output reaches the augmentation as bfloat16.
TEST(Augment, WorksOnBfloat16WithGradients) {
  torch::Tensor x = torch::rand({4, 1, 16, 32}).to(torch::kBFloat16).requires_grad_(true);
  const AugmentPolicy policy = AugmentPolicy::parse("translation,cutout");
  auto rng = generator(5);
  const torch::Tensor y = augment(x, policy, kSilence, rng);
  EXPECT_EQ(y.scalar_type(), torch::kBFloat16);
  y.to(torch::kFloat).sum().backward();
  EXPECT_GT(x.grad().to(torch::kFloat).sum().item<double>(), 0.25 * x.numel());
}

TEST(Augment, DrawsFollowTheGeneratorsSeed) {
  const torch::Tensor x = torch::rand({8, 1, 16, 32});
  const AugmentPolicy policy = AugmentPolicy::parse("translation,cutout");
  auto a = generator(9), b = generator(9), c = generator(10);
  const torch::Tensor first = augment(x, policy, kSilence, a);
  EXPECT_TRUE(torch::equal(first, augment(x, policy, kSilence, b)));
  EXPECT_FALSE(torch::equal(first, augment(x, policy, kSilence, c)));
  EXPECT_THROW(augment(x[0], policy, kSilence, a), DataError);
}

}  // namespace
}  // namespace audiogan
