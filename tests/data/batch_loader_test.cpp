// The batch loader: deterministic order per (seed, epoch), every item once per epoch with its
// label, resumable at a batch, independent of the worker count, and a clean shutdown.
#include "data/batch_loader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "core/error.h"
#include "data/shuffle.h"
#include "test_audio_files.h"

namespace audiogan {
namespace {

// One cache of 10 distinct entries in 3 classes, shared by the suite.
class BatchLoaderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing_files::TempDir();
    const char* classes[] = {"clap", "kick", "snare"};
    for (int i = 0; i < 10; ++i) {
      testing_files::write_mono(
          *dir_ / ("data/" + std::string(classes[i % 3]) + "/" + std::to_string(i) + ".wav"),
          testing_files::hit(i, 0.1, 16000), 16000);
    }
    FrontendConfig frontend;
    frontend.sample_rate = 16000;
    frontend.n_fft = 128;
    frontend.win_length = 128;
    frontend.hop_length = 32;
    frontend.n_mels = 16;
    frontend.frames = 8;
    cache_ = new SpectrogramCache(SpectrogramCache::build(scan_dataset(*dir_ / "data"), frontend,
                                                          *dir_ / "cache", 1, nullptr, nullptr));
  }
  static void TearDownTestSuite() {
    delete cache_;
    delete dir_;
  }

  // The cache row a batch item came from, found by content (-1 when none matches).
  static int64_t source_of(const torch::Tensor& item) {  // item: [1, n_mels, frames]
    for (int64_t i = 0; i < cache_->size(); ++i) {
      if (torch::equal(cache_->spectrograms()[i].to(torch::kFloat), item[0])) return i;
    }
    return -1;
  }

  static std::vector<Batch> epoch(BatchLoader& loader, int64_t e, int64_t first = 0) {
    loader.start_epoch(e, first);
    std::vector<Batch> batches;
    Batch batch;
    while (loader.next(batch)) batches.push_back(batch);
    return batches;
  }

  static testing_files::TempDir* dir_;
  static SpectrogramCache* cache_;
};

testing_files::TempDir* BatchLoaderTest::dir_ = nullptr;
SpectrogramCache* BatchLoaderTest::cache_ = nullptr;

void expect_same(const std::vector<Batch>& a, const std::vector<Batch>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(torch::equal(a[i].spectrograms, b[i].spectrograms)) << i;
    EXPECT_TRUE(torch::equal(a[i].labels, b[i].labels)) << i;
  }
}

TEST_F(BatchLoaderTest, EveryItemAppearsOncePerEpochWithItsLabel) {
  BatchLoaderOptions options;
  options.batch = 3;
  options.drop_last = false;
  options.workers = 2;
  BatchLoader loader(*cache_, options);
  EXPECT_EQ(loader.batches_per_epoch(), 4);
  const auto batches = epoch(loader, 0);
  ASSERT_EQ(batches.size(), 4u);
  std::multiset<int64_t> seen;
  for (const Batch& batch : batches) {
    EXPECT_EQ(batch.spectrograms.scalar_type(), torch::kFloat);
    EXPECT_EQ(batch.spectrograms.size(1), 1);
    EXPECT_EQ(batch.spectrograms.size(2), 16);
    EXPECT_EQ(batch.spectrograms.size(3), 8);
    for (int64_t j = 0; j < batch.labels.size(0); ++j) {
      const int64_t source = source_of(batch.spectrograms[j]);
      ASSERT_GE(source, 0);
      seen.insert(source);
      EXPECT_EQ(batch.labels[j].item<int64_t>(), cache_->labels()[source].item<int64_t>());
    }
  }
  EXPECT_EQ(seen.size(), 10u);
  EXPECT_EQ(std::set<int64_t>(seen.begin(), seen.end()).size(), 10u);
}

TEST_F(BatchLoaderTest, SameSeedAndEpochGiveTheSameBatches) {
  BatchLoaderOptions options;
  options.batch = 4;
  options.seed = 7;
  BatchLoader a(*cache_, options), b(*cache_, options);
  expect_same(epoch(a, 3), epoch(b, 3));
}

TEST_F(BatchLoaderTest, OrderChangesWithEpochAndSeed) {
  EXPECT_NE(shuffled_indices(10, 7, 0), shuffled_indices(10, 7, 1));
  EXPECT_NE(shuffled_indices(10, 7, 0), shuffled_indices(10, 8, 0));
  EXPECT_EQ(shuffled_indices(10, 7, 0), shuffled_indices(10, 7, 0));
}

TEST_F(BatchLoaderTest, WorkerCountDoesNotChangeTheBatches) {
  BatchLoaderOptions one;
  one.batch = 2;
  one.workers = 1;
  BatchLoaderOptions three = one;
  three.workers = 3;
  three.prefetch = 1;
  BatchLoader a(*cache_, one), b(*cache_, three);
  expect_same(epoch(a, 5), epoch(b, 5));
}

TEST_F(BatchLoaderTest, ResumingAtABatchGivesTheRestOfTheEpoch) {
  BatchLoaderOptions options;
  options.batch = 2;
  BatchLoader loader(*cache_, options);
  const auto whole = epoch(loader, 2);
  const auto rest = epoch(loader, 2, /*first=*/3);
  ASSERT_EQ(whole.size(), 5u);
  expect_same(std::vector<Batch>(whole.begin() + 3, whole.end()), rest);
}

TEST_F(BatchLoaderTest, DropLastDropsThePartialBatch) {
  BatchLoaderOptions options;
  options.batch = 4;
  options.drop_last = true;
  BatchLoader loader(*cache_, options);
  EXPECT_EQ(loader.batches_per_epoch(), 2);
  const auto batches = epoch(loader, 0);
  ASSERT_EQ(batches.size(), 2u);
  for (const auto& batch : batches) EXPECT_EQ(batch.labels.size(0), 4);
}

TEST_F(BatchLoaderTest, RestartingMidEpochAndDestroyingMidEpochAreClean) {
  BatchLoaderOptions options;
  options.batch = 1;
  options.workers = 2;
  options.prefetch = 2;
  auto loader = std::make_unique<BatchLoader>(*cache_, options);
  Batch batch;
  ASSERT_TRUE(loader->next(batch));  // epoch 0 starts by itself
  loader->start_epoch(1);
  ASSERT_TRUE(loader->next(batch));
  BatchLoader fresh(*cache_, options);
  fresh.start_epoch(1);
  Batch expected;
  ASSERT_TRUE(fresh.next(expected));
  EXPECT_TRUE(torch::equal(batch.spectrograms, expected.spectrograms));
  // Workers are mid-epoch with batches queued: destruction stops them rather than draining the
  // epoch or waiting on a full queue.
  const auto start = std::chrono::steady_clock::now();
  loader.reset();
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 10.0);
  // The other loader goes on undisturbed: its second batch of epoch 1 is a third loader's.
  Batch second, check_first, check_second;
  ASSERT_TRUE(fresh.next(second));
  BatchLoader check(*cache_, options);
  check.start_epoch(1);
  ASSERT_TRUE(check.next(check_first));
  ASSERT_TRUE(check.next(check_second));
  EXPECT_TRUE(torch::equal(second.spectrograms, check_second.spectrograms));
}

// The suite's cache has 4 claps, 3 kicks and 3 snares: a balanced epoch holds 3 of each.
TEST_F(BatchLoaderTest, BalancedEpochsHoldEveryClassEquallyOften) {
  BatchLoaderOptions options;
  options.batch = 3;
  options.drop_last = false;
  options.balance_classes = true;
  BatchLoader loader(*cache_, options);
  EXPECT_EQ(loader.batches_per_epoch(), 3);
  std::map<int64_t, int> clap_draws;
  for (int64_t e = 0; e < 4; ++e) {
    std::vector<int> per_class(3, 0);
    for (const Batch& batch : epoch(loader, e)) {
      for (int64_t j = 0; j < batch.labels.size(0); ++j) {
        const int64_t source = source_of(batch.spectrograms[j]);
        ASSERT_GE(source, 0);
        const int64_t label = batch.labels[j].item<int64_t>();
        EXPECT_EQ(label, cache_->labels()[source].item<int64_t>());
        ++per_class[static_cast<size_t>(label)];
        if (label == 0) ++clap_draws[source];
      }
    }
    EXPECT_EQ(per_class, std::vector<int>({3, 3, 3})) << "epoch " << e;
  }
  // 12 clap draws over 4 epochs: the class's stream passes over its 4 clips 3 times.
  ASSERT_EQ(clap_draws.size(), 4u);
  for (const auto& [clip, draws] : clap_draws) EXPECT_EQ(draws, 3) << "clip " << clip;
}

TEST(Shuffle, ClassBalancedIndicesRepeatSmallClassesAndSpreadLargeOnes) {
  // Class 0: entries 0-1; class 1: entries 2-9. 10 / 2 = 5 of each per epoch.
  const std::vector<int64_t> labels = {0, 0, 1, 1, 1, 1, 1, 1, 1, 1};
  std::vector<int> draws(labels.size(), 0);
  for (uint64_t e = 0; e < 8; ++e) {
    const auto order = class_balanced_indices(labels, 2, 7, e);
    ASSERT_EQ(order.size(), 10u);
    int small = 0;
    for (int64_t index : order) {
      ASSERT_GE(index, 0);
      ASSERT_LT(index, 10);
      small += labels[static_cast<size_t>(index)] == 0;
      ++draws[static_cast<size_t>(index)];
    }
    EXPECT_EQ(small, 5) << "epoch " << e;
    EXPECT_EQ(order, class_balanced_indices(labels, 2, 7, e));
  }
  // 40 draws of each class over 8 epochs: 20 per small clip, 5 per large one.
  for (size_t i = 0; i < labels.size(); ++i) EXPECT_EQ(draws[i], labels[i] == 0 ? 20 : 5) << i;
  EXPECT_NE(class_balanced_indices(labels, 2, 7, 0), class_balanced_indices(labels, 2, 8, 0));
  EXPECT_THROW(class_balanced_indices({0, 3}, 2, 0, 0), DataError);  // label outside the classes
  EXPECT_THROW(class_balanced_indices({0, 0}, 2, 0, 0), DataError);  // class 1 has no clips
}

TEST(Shuffle, IsAPermutation) {
  auto order = shuffled_indices(1000, 42, 3);
  std::sort(order.begin(), order.end());
  for (int64_t i = 0; i < 1000; ++i) ASSERT_EQ(order[static_cast<size_t>(i)], i);
  EXPECT_TRUE(shuffled_indices(0, 1, 1).empty());
}

TEST(Shuffle, FirstPositionIsRoughlyUniform) {
  std::vector<int> counts(4, 0);
  for (uint64_t epoch = 0; epoch < 4000; ++epoch) ++counts[shuffled_indices(4, 9, epoch)[0]];
  for (int c : counts) EXPECT_NEAR(c, 1000, 150);
}

// Data-parallel sharding (docs/training.md): with 2 ranks x 2 micro-batches, each step takes 4
// consecutive batches of the one shuffled order, shard v = rank x 2 + micro-batch; the ranks'
// shards are disjoint, cover every whole step of the epoch, and both ranks take the same steps.
TEST_F(BatchLoaderTest, RankShardsAreDisjointAndCoverTheEpochsWholeSteps) {
  constexpr int kWorld = 2, kAccumulate = 2, kBatch = 1;
  const auto order = shuffled_indices(cache_->size(), /*seed=*/11, /*epoch=*/4);
  std::vector<int64_t> seen;
  std::vector<int64_t> steps;
  for (int rank = 0; rank < kWorld; ++rank) {
    BatchLoaderOptions options;
    options.batch = kBatch;
    options.seed = 11;
    options.drop_last = false;  // sharding drops the partial step anyway
    options.shards = kWorld * kAccumulate;
    options.first_shard = rank * kAccumulate;
    options.local_shards = kAccumulate;
    BatchLoader loader(*cache_, options);
    steps.push_back(loader.batches_per_epoch());
    const auto batches = epoch(loader, 4);
    ASSERT_EQ(static_cast<int64_t>(batches.size()), loader.batches_per_epoch() * kAccumulate);
    for (size_t i = 0; i < batches.size(); ++i) {
      const int64_t step = static_cast<int64_t>(i) / kAccumulate;
      const int64_t shard = rank * kAccumulate + static_cast<int64_t>(i) % kAccumulate;
      const int64_t source = source_of(batches[i].spectrograms[0]);
      EXPECT_EQ(source, order[static_cast<size_t>(step * kWorld * kAccumulate + shard)])
          << "rank " << rank << " batch " << i;
      seen.push_back(source);
    }
  }
  EXPECT_EQ(steps[0], 10 / 4);
  EXPECT_EQ(steps[0], steps[1]);
  // 2 whole steps of 4: the first 8 entries of the order, each once.
  std::vector<int64_t> expected(order.begin(), order.begin() + 8);
  std::sort(seen.begin(), seen.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(std::set<int64_t>(seen.begin(), seen.end()).size(), seen.size());
}

TEST_F(BatchLoaderTest, ARankResumesItsShardsAtAStep) {
  BatchLoaderOptions options;
  options.batch = 2;
  options.shards = 2;
  options.first_shard = 1;
  BatchLoader loader(*cache_, options);
  const auto whole = epoch(loader, 1);
  ASSERT_EQ(whole.size(), 2u);  // 10 entries, 4 per step
  expect_same(std::vector<Batch>(whole.begin() + 1, whole.end()), epoch(loader, 1, /*first=*/1));
  options.first_shard = 2;  // outside [0, shards)
  EXPECT_THROW(BatchLoader(*cache_, options), ConfigError);
}

// Variable-length batches: one bucket per batch, each clip cut to its bucket's width with its
// length, every entry once per epoch, and the same batches for the same epoch.
TEST_F(BatchLoaderTest, BucketedBatchesHoldOneWidthAndEveryEntryOnce) {
  BatchLoaderOptions options;
  options.batch = 2;
  options.workers = 2;
  options.bucket_widths = {4, 8};
  BatchLoader loader(*cache_, options);
  const auto content = cache_->content_frames().to(torch::kLong);
  const auto batches = epoch(loader, 0);
  ASSERT_EQ(static_cast<int64_t>(batches.size()), loader.batches_per_epoch());
  std::multiset<int64_t> seen;
  for (const Batch& batch : batches) {
    const int64_t width = batch.spectrograms.size(3);
    ASSERT_TRUE(width == 4 || width == 8) << width;
    ASSERT_TRUE(batch.frames.defined());
    for (int64_t j = 0; j < batch.labels.size(0); ++j) {
      // The clip is the first `width` frames of one cache row, of this bucket.
      int64_t source = -1;
      for (int64_t i = 0; i < cache_->size(); ++i) {
        const auto row = cache_->spectrograms()[i].to(torch::kFloat).narrow(1, 0, width);
        if (torch::equal(row, batch.spectrograms[j][0])) source = i;
      }
      ASSERT_GE(source, 0);
      seen.insert(source);
      const int64_t length = content[source].item<int64_t>();
      EXPECT_EQ(width, length <= 4 ? 4 : 8) << "clip of " << length << " frames";
      EXPECT_EQ(batch.frames[j].item<int64_t>(), std::clamp<int64_t>(length, 1, width));
      EXPECT_EQ(batch.labels[j].item<int64_t>(), cache_->labels()[source].item<int64_t>());
    }
  }
  EXPECT_EQ(seen.size(), 10u);
  EXPECT_EQ(std::set<int64_t>(seen.begin(), seen.end()).size(), 10u);
  const auto again = epoch(loader, 0);
  ASSERT_EQ(again.size(), batches.size());
  for (size_t i = 0; i < again.size(); ++i) {
    EXPECT_TRUE(torch::equal(again[i].spectrograms, batches[i].spectrograms)) << i;
    EXPECT_TRUE(torch::equal(again[i].frames, batches[i].frames)) << i;
  }
  options.shards = 2;
  options.local_shards = 2;
  EXPECT_THROW(BatchLoader(*cache_, options), ConfigError);
}

}  // namespace
}  // namespace audiogan
