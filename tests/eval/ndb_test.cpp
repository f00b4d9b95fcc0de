// NDB/K and the k-means that defines its bins.
#include "eval/ndb.h"

#include <gtest/gtest.h>

namespace audiogan::eval {
namespace {

TEST(KMeans, SeparatesWellSeparatedClustersAndIsDeterministic) {
  torch::manual_seed(6);
  const torch::Tensor centres = torch::tensor({{0.0, 0.0}, {10.0, 0.0}, {0.0, 10.0}});
  const torch::Tensor labels = torch::arange(300) % 3;
  const torch::Tensor x = centres.index_select(0, labels) + 0.5 * torch::randn({300, 2});
  KMeansOptions options;
  options.k = 3;
  options.seed = 11;
  const KMeans a = kmeans(x, options);
  const KMeans b = kmeans(x, options);
  EXPECT_TRUE(a.centroids.equal(b.centroids));
  // Every true cluster maps to exactly one k-means cluster.
  for (int c = 0; c < 3; ++c) {
    const torch::Tensor assigned = a.assignments.masked_select(labels == c);
    EXPECT_EQ(std::get<0>(at::_unique(assigned)).numel(), 1);
  }
  EXPECT_TRUE(nearest_centroid(x, a.centroids).equal(a.assignments));
}

TEST(KMeans, RejectsMoreClustersThanPoints) {
  KMeansOptions options;
  options.k = 5;
  EXPECT_THROW(kmeans(torch::randn({3, 2}), options), std::exception);
}

TEST(Ndb, TwoSamplesOfOneDistributionHaveFewDifferentBins) {
  torch::manual_seed(7);
  const torch::Tensor real = torch::randn({2000, 4});
  const torch::Tensor generated = torch::randn({2000, 4});
  NdbOptions options;
  options.k = 20;
  const NdbResult r = ndb(real, generated, options);
  EXPECT_EQ(r.k, 20);
  EXPECT_LE(r.different, 4);  // ~1 expected at alpha = 0.05
  double total = 0;
  for (double s : r.generated_share) total += s;
  EXPECT_NEAR(total, 1.0, 1e-12);
}

TEST(Ndb, ShiftedDistributionsHaveManyDifferentBins) {
  torch::manual_seed(8);
  const torch::Tensor real = torch::randn({2000, 4});
  const torch::Tensor generated = torch::randn({2000, 4}) + 1.0;
  NdbOptions options;
  options.k = 20;
  EXPECT_GE(ndb(real, generated, options).ndb_over_k, 0.5);
}

TEST(Ndb, TheZTestMatchesAHandComputation) {
  // Bin 0: 30/100 vs 50/100. pooled 0.4, se = sqrt(0.4*0.6*0.02) = 0.069282, z = -2.88675.
  const NdbResult r = ndb_from_counts({30, 70}, {50, 50}, 0.05);
  EXPECT_NEAR(r.z[0], -2.886751, 1e-5);
  EXPECT_TRUE(r.is_different[0]);
  EXPECT_EQ(r.different, 2);
  EXPECT_NEAR(normal_critical_value(0.05), 1.959964, 1e-5);
  EXPECT_FALSE(ndb_from_counts({48, 52}, {50, 50}, 0.05).is_different[0]);
}

}  // namespace
}  // namespace audiogan::eval
