// Variable-length models: the length mask, the length features, length draws, and a generator
// and discriminator that work at every bucket width with silence after each clip's length.
#include "model/clip_length.h"

#include <gtest/gtest.h>

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <set>

#include "core/error.h"
#include "model/gan_models.h"

namespace audiogan {
namespace {

ModelSpec variable_spec() {
  ModelSpec spec;
  spec.arch = "default";
  spec.num_classes = 3;
  spec.latent = 16;
  spec.width = 4;
  spec.n_mels = 32;
  spec.frames = 96;
  spec.variable_length = true;
  return spec;
}

TEST(SilenceAfter, SilencesEveryFrameFromTheLengthOnAndPassesNoGradientThere) {
  auto x = torch::rand({2, 1, 3, 6}, torch::requires_grad());
  const auto out = silence_after(x, torch::tensor({2, 6}, torch::kLong), -1.0);
  EXPECT_TRUE(torch::equal(out[0].narrow(2, 0, 2), x[0].narrow(2, 0, 2)));
  EXPECT_TRUE((out[0].narrow(2, 2, 4) == -1).all().item<bool>());
  EXPECT_TRUE(torch::equal(out[1], x[1]));
  out.sum().backward();
  EXPECT_EQ(x.grad()[0].narrow(2, 2, 4).abs().sum().item<float>(), 0.f);
  EXPECT_TRUE((x.grad()[0].narrow(2, 0, 2) == 1).all().item<bool>());
}

TEST(LengthFeatures, AreBoundedAndTellLengthsApart) {
  const auto frames = torch::tensor({1, 20, 21, 96}, torch::kLong);
  const auto f = length_features(frames, 96);
  ASSERT_EQ(f.sizes(), (std::vector<int64_t>{4, kLengthFeatures}));
  EXPECT_LE(f.abs().max().item<float>(), 1.0f + 1e-6f);
  // One frame is l = 0: every sine 0, every cosine 1.
  EXPECT_TRUE(torch::allclose(f[0].narrow(0, 0, kLengthFeatures / 2),
                              torch::zeros({kLengthFeatures / 2}), 0, 1e-6));
  EXPECT_TRUE(torch::allclose(f[0].narrow(0, kLengthFeatures / 2, kLengthFeatures / 2),
                              torch::ones({kLengthFeatures / 2}), 0, 1e-6));
  // Neighbouring lengths differ, in more than rounding.
  EXPECT_GT((f[1] - f[2]).abs().max().item<float>(), 1e-3f);
}

TEST(DrawFrames, DrawsEachClassFromItsOwnLengthsReproducibly) {
  const std::vector<std::vector<int64_t>> lengths = {{5, 6}, {40}, {70, 80, 90}};
  const auto labels = torch::tensor({0, 1, 2, 2, 0, 2, 1, 2}, torch::kLong).repeat({50});
  auto draw = [&](uint64_t seed) {
    return draw_frames(lengths, labels, at::make_generator<at::CPUGeneratorImpl>(seed));
  };
  const auto frames = draw(3);
  std::set<int64_t> class2;
  for (int64_t i = 0; i < labels.numel(); ++i) {
    const auto& allowed = lengths[static_cast<size_t>(labels[i].item<int64_t>())];
    const int64_t f = frames[i].item<int64_t>();
    EXPECT_NE(std::find(allowed.begin(), allowed.end(), f), allowed.end()) << f;
    if (labels[i].item<int64_t>() == 2) class2.insert(f);
  }
  EXPECT_EQ(class2.size(), 3u) << "every recorded length is drawn";
  EXPECT_TRUE(torch::equal(frames, draw(3)));
  EXPECT_FALSE(torch::equal(frames, draw(4)));
  EXPECT_THROW(draw_frames({{5}, {}}, torch::tensor({1}, torch::kLong),
                           at::make_generator<at::CPUGeneratorImpl>(0)),
               DataError);
}

TEST(SamplingWidth, RoundsUpToTheNextMultipleOf16WithinTheBuckets) {
  EXPECT_EQ(sampling_width(1, 96), 32);
  EXPECT_EQ(sampling_width(32, 96), 32);
  EXPECT_EQ(sampling_width(33, 96), 48);
  EXPECT_EQ(sampling_width(90, 96), 96);
  EXPECT_EQ(sampling_width(500, 96), 96);
}

TEST(VariableLengthGenerator, MakesEachWidthWithSilenceAfterEachClip) {
  torch::manual_seed(0);
  const auto spec = variable_spec();
  auto g = make_generator(spec);
  const auto labels = torch::tensor({0, 2}, torch::kLong);
  for (int64_t width : {32, 48, 96}) {
    const auto frames = torch::tensor({width, width / 2}, torch::kLong);
    const auto out = g->forward_frames(torch::randn({2, spec.latent}), labels, frames, width);
    ASSERT_EQ(out.sizes(), (std::vector<int64_t>{2, 1, spec.n_mels, width}));
    EXPECT_GT(out[0].narrow(2, width - 1, 1).max().item<float>(), -1.f) << "sound to the end";
    EXPECT_TRUE((out[1].narrow(2, width / 2, width / 2) == -1).all().item<bool>());
    EXPECT_LT(out[1].narrow(2, 0, width / 2).min().item<float>(), 1.f);
  }
  // A width that is no multiple of 16, or a length past the width: clear errors.
  EXPECT_THROW(g->forward_frames(torch::randn({2, spec.latent}), labels,
                                 torch::tensor({10, 10}, torch::kLong), 40),
               DataError);
  EXPECT_THROW(g->forward_frames(torch::randn({2, spec.latent}), labels,
                                 torch::tensor({10, 50}, torch::kLong), 32),
               DataError);
}

TEST(VariableLengthGenerator, TheLengthChangesTheSound) {
  torch::manual_seed(1);
  const auto spec = variable_spec();
  auto g = make_generator(spec);
  g->eval();
  const auto z = torch::randn({1, spec.latent});
  const auto label = torch::tensor({1}, torch::kLong);
  const auto short_clip = g->forward_frames(z, label, torch::tensor({20}, torch::kLong), 32);
  const auto long_clip = g->forward_frames(z, label, torch::tensor({32}, torch::kLong), 32);
  EXPECT_GT((short_clip - long_clip).narrow(3, 0, 20).abs().max().item<float>(), 1e-5f);
}

TEST(VariableLengthGenerator, SamplesEachClipAtItsOwnWidthWhateverTheBatch) {
  torch::manual_seed(2);
  const auto spec = variable_spec();
  auto g = make_generator(spec);
  g->eval();
  const auto z = torch::randn({3, spec.latent});
  const auto labels = torch::tensor({0, 1, 2}, torch::kLong);
  const auto frames = torch::tensor({20, 90, 40}, torch::kLong);
  const auto batch = g->forward_lengths(z, labels, frames, spec.frames);
  ASSERT_EQ(batch.sizes(), (std::vector<int64_t>{3, 1, spec.n_mels, spec.frames}));
  for (int64_t i = 0; i < 3; ++i) {
    const int64_t length = frames[i].item<int64_t>();
    const int64_t width = sampling_width(length, spec.frames);
    const auto alone =
        g->forward_frames(z.narrow(0, i, 1), labels.narrow(0, i, 1), frames.narrow(0, i, 1), width);
    EXPECT_TRUE(torch::allclose(batch[i].narrow(2, 0, width), alone[0], 1e-5, 1e-5)) << i;
    EXPECT_TRUE((batch[i].narrow(2, length, spec.frames - length) == -1).all().item<bool>());
  }
}

TEST(LengthBucketGroup, IsTheNarrowestBucketThatHoldsTheWidth) {
  auto spec = variable_spec();
  EXPECT_EQ(length_bucket_group(spec, 96), 0) << "no buckets: one group";
  spec.length_buckets = {32, 48, 96};
  EXPECT_EQ(length_bucket_group(spec, 16), 0);
  EXPECT_EQ(length_bucket_group(spec, 32), 0);
  EXPECT_EQ(length_bucket_group(spec, 48), 1);
  EXPECT_EQ(length_bucket_group(spec, 64), 2);
  EXPECT_EQ(length_bucket_group(spec, 96), 2);
  EXPECT_EQ(length_bucket_group(spec, 112), 2);
}

// With length buckets, a batch of one bucket's width trains that bucket's BatchNorm statistics
// alone, and sampling at that width normalises with them.
TEST(VariableLengthGenerator, KeepsBatchNormStatisticsPerLengthBucket) {
  torch::manual_seed(3);
  auto spec = variable_spec();
  spec.length_buckets = {32, 48, 96};
  auto g = make_generator(spec);
  std::vector<torch::Tensor> means;
  for (const auto& item : g->named_buffers()) {
    if (item.key().find("running_mean") != std::string::npos) means.push_back(item.value());
  }
  ASSERT_EQ(means.size(), 4u) << "one [buckets, C] buffer per norm";
  const auto labels = torch::tensor({0, 1, 2, 1}, torch::kLong);
  g->forward_frames(torch::randn({4, spec.latent}), labels,
                    torch::tensor({60, 70, 90, 96}, torch::kLong), 96);
  for (const auto& mean : means) {
    ASSERT_EQ(mean.size(0), 3);
    EXPECT_TRUE(torch::equal(mean[0], torch::zeros_like(mean[0])));
    EXPECT_TRUE(torch::equal(mean[1], torch::zeros_like(mean[1])));
    EXPECT_GT(mean[2].abs().max().item<float>(), 0.f) << "the 96-frame bucket's statistics";
  }
  // Sampling a 90-frame clip (width 96) uses them; a 40-frame one (width 48) does not.
  g->eval();
  const auto z = torch::randn({1, spec.latent});
  const auto label = torch::tensor({2}, torch::kLong);
  const auto before = g->forward_frames(z, label, torch::tensor({40}, torch::kLong), 48);
  const auto long_before = g->forward_frames(z, label, torch::tensor({90}, torch::kLong), 96);
  {
    torch::NoGradGuard no_grad;
    for (auto& mean : means) mean[2].add_(0.5);
  }
  EXPECT_TRUE(
      torch::equal(before, g->forward_frames(z, label, torch::tensor({40}, torch::kLong), 48)));
  EXPECT_FALSE(torch::equal(long_before,
                            g->forward_frames(z, label, torch::tensor({90}, torch::kLong), 96)));
}

TEST(VariableLengthGenerator, AFixedLengthGeneratorRefusesLengths) {
  auto spec = variable_spec();
  spec.variable_length = false;
  auto g = make_generator(spec);
  EXPECT_THROW(g->forward_frames(torch::randn({1, spec.latent}), torch::tensor({0}),
                                 torch::tensor({10}, torch::kLong), 32),
               ConfigError);
}

TEST(VariableLengthDiscriminator, ScoresEveryBucketWidth) {
  torch::manual_seed(3);
  const auto spec = variable_spec();
  auto d = make_discriminator(spec);
  for (int64_t width : {32, 64, 96}) {
    const auto logits = d->forward(torch::rand({2, 1, spec.n_mels, width}) * 2 - 1,
                                   torch::tensor({0, 1}, torch::kLong));
    EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{2, 1}));
    EXPECT_TRUE(torch::isfinite(logits).all().item<bool>());
  }
}

TEST(VariableLengthDiscriminator, ItsScoreDoesNotGrowWithTheWidth) {
  torch::manual_seed(4);
  auto spec = variable_spec();
  spec.frames = 256;
  auto variable = make_discriminator(spec);
  variable->eval();
  const auto label = torch::tensor({1}, torch::kLong);
  // At 96 frames (6 columns after four halvings) the time average scaled to 6 columns is the
  // fixed-length model's sum, with the same weights.
  auto fixed_spec = spec;
  fixed_spec.variable_length = false;
  fixed_spec.frames = 96;
  auto fixed = make_discriminator(fixed_spec);
  fixed->eval();
  {
    torch::NoGradGuard no_grad;
    const auto source = variable->named_parameters();
    for (auto& p : fixed->named_parameters()) p.value().copy_(source[p.key()]);
    const auto buffers = variable->named_buffers();
    for (auto& b : fixed->named_buffers()) b.value().copy_(buffers[b.key()]);
  }
  const auto clip = torch::rand({1, 1, spec.n_mels, 96}) * 2 - 1;
  EXPECT_TRUE(
      torch::allclose(variable->forward(clip, label), fixed->forward(clip, label), 1e-4, 1e-5));
  // The same 64 frames four times over: a summed score would grow about fourfold.
  const auto short_clip = clip.narrow(3, 0, 64);
  const double once = variable->forward(short_clip, label).item<double>();
  const double four = variable->forward(short_clip.repeat({1, 1, 1, 4}), label).item<double>();
  EXPECT_LT(std::abs(four), 2.0 * std::abs(once) + 0.05) << once << " vs " << four;
}

}  // namespace
}  // namespace audiogan
