// Length buckets of variable-length training: widths from the length quantiles, every clip in
// exactly one batch per epoch, one bucket per batch, and deterministic epochs.
#include "data/length_buckets.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <set>

#include "core/error.h"

namespace audiogan {
namespace {

TEST(BucketWidths, AreAscendingMultiplesOf16EndingAtTheLongestWidth) {
  // 100 clips of 1..100 frames: quartiles 25, 50, 75, 100 -> 32, 64 (50 -> 64), 80, 160 (max).
  const auto frames = torch::arange(1, 101, torch::kLong);
  const auto widths = bucket_widths(frames, 160, 4);
  EXPECT_EQ(widths, (std::vector<int>{32, 64, 80, 160}));
  // Short clips only: one bucket at the floor of 32 plus the longest width.
  EXPECT_EQ(bucket_widths(torch::full({10}, 5, torch::kLong), 96, 4), (std::vector<int>{32, 96}));
  EXPECT_EQ(bucket_widths(frames, 96, 1), (std::vector<int>{96}));
  for (int count = 1; count <= 16; ++count) {
    const auto w = bucket_widths(torch::randint(1, 400, {50}, torch::kLong), 256, count);
    ASSERT_FALSE(w.empty());
    EXPECT_EQ(w.back(), 256);
    EXPECT_LE(static_cast<int>(w.size()), count);
    for (size_t i = 0; i < w.size(); ++i) {
      EXPECT_EQ(w[i] % 16, 0);
      EXPECT_GE(w[i], 32);
      if (i > 0) {
        EXPECT_GT(w[i], w[i - 1]);
      }
    }
  }
}

TEST(BucketWidths, RefuseAnImpossibleLayout) {
  const auto frames = torch::arange(1, 10, torch::kLong);
  EXPECT_THROW(bucket_widths(frames, 100, 4), ConfigError);  // not a multiple of 16
  EXPECT_THROW(bucket_widths(frames, 16, 4), ConfigError);   // below 32
  EXPECT_THROW(bucket_widths(frames, 64, 0), ConfigError);
}

TEST(BucketOf, PicksTheSmallestWidthThatHoldsTheClip) {
  const std::vector<int> widths = {32, 64, 128};
  EXPECT_EQ(bucket_of(1, widths), 0);
  EXPECT_EQ(bucket_of(32, widths), 0);
  EXPECT_EQ(bucket_of(33, widths), 1);
  EXPECT_EQ(bucket_of(128, widths), 2);
  EXPECT_EQ(bucket_of(999, widths), 2);  // longer than every bucket: cut to the longest
}

struct Epoch {
  std::vector<int> bucket;
  std::vector<int> widths = {32, 64, 96};
  std::vector<int64_t> order;
};

// 0..n-1 in a shuffled order, the buckets of entries cycling through sizes 13, 5 and 2 out of 20.
Epoch uneven_epoch(int64_t n, uint64_t seed) {
  Epoch e;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t r = i % 20;
    e.bucket.push_back(r < 13 ? 0 : (r < 18 ? 1 : 2));
  }
  e.order.resize(static_cast<size_t>(n));
  std::iota(e.order.begin(), e.order.end(), 0);
  std::mt19937_64 rng(seed);
  std::shuffle(e.order.begin(), e.order.end(), rng);
  return e;
}

TEST(BucketBatches, HoldEveryEntryOnceAndOneBucketPerBatch) {
  const Epoch e = uneven_epoch(100, 1);
  const int batch = 8;
  const auto batches = bucket_batches(e.order, e.bucket, e.widths, batch, 7, 0);
  std::multiset<int64_t> seen;
  for (const auto& b : batches) {
    ASSERT_FALSE(b.entries.empty());
    // A bucket's short tail joins the batch before it: no batch below batch/2 or above 1.5x.
    EXPECT_GE(static_cast<int>(b.entries.size()), batch / 2);
    EXPECT_LT(static_cast<int>(b.entries.size()), batch + batch / 2);
    for (int64_t entry : b.entries) {
      EXPECT_EQ(e.widths[static_cast<size_t>(e.bucket[static_cast<size_t>(entry)])], b.width);
      seen.insert(entry);
    }
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_EQ(std::set<int64_t>(seen.begin(), seen.end()).size(), 100u);
}

TEST(BucketBatches, AreDeterministicAndTheirCountDoesNotDependOnTheOrder) {
  const Epoch a = uneven_epoch(100, 1), b = uneven_epoch(100, 2);
  const auto first = bucket_batches(a.order, a.bucket, a.widths, 8, 7, 3);
  const auto again = bucket_batches(a.order, a.bucket, a.widths, 8, 7, 3);
  ASSERT_EQ(first.size(), again.size());
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].entries, again[i].entries);
    EXPECT_EQ(first[i].width, again[i].width);
  }
  EXPECT_EQ(bucket_batches(b.order, b.bucket, b.widths, 8, 7, 4).size(), first.size());
  // Another epoch shuffles the batches differently.
  const auto next_epoch = bucket_batches(a.order, a.bucket, a.widths, 8, 7, 4);
  std::vector<int> widths_now, widths_next;
  for (const auto& x : first) widths_now.push_back(x.width);
  for (const auto& x : next_epoch) widths_next.push_back(x.width);
  EXPECT_NE(widths_now, widths_next);
}

TEST(ClassLengths, AreSortedPerClassAndClampedToTheLongestWidth) {
  const auto frames = torch::tensor({40, 0, 500, 10, 30}, torch::kLong);
  const auto labels = torch::tensor({1, 0, 1, 0, 1}, torch::kLong);
  const auto lengths = class_lengths(frames, labels, 3, 256);
  ASSERT_EQ(lengths.size(), 3u);
  EXPECT_EQ(lengths[0], (std::vector<int64_t>{1, 10}));
  EXPECT_EQ(lengths[1], (std::vector<int64_t>{30, 40, 256}));
  EXPECT_TRUE(lengths[2].empty());
  EXPECT_THROW(class_lengths(frames, torch::tensor({1, 0, 3, 0, 1}, torch::kLong), 3, 256), Error);
}

}  // namespace
}  // namespace audiogan
