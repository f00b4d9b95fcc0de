// The evaluation classifier: shapes, training above chance, determinism, save and load.
#include "model/classifier.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/error.h"
#include "eval/classifier_training.h"

namespace audiogan {
namespace {

// Three synthetic classes of [32, 32] "log-mels": energy in a low, middle or high band at a
// random onset, over noise.
void make_bands(int per_class, uint64_t seed, torch::Tensor& x, torch::Tensor& y) {
  torch::manual_seed(seed);
  const int n = 3 * per_class;
  x = 0.3 * torch::rand({n, 32, 32});
  y = torch::arange(n, torch::kInt64) % 3;
  for (int i = 0; i < n; ++i) {
    const int64_t c = y[i].item<int64_t>();
    const int64_t onset = torch::randint(0, 16, {1}).item<int64_t>();
    x[i].slice(0, c * 10, c * 10 + 6).slice(1, onset, onset + 10) += 3.0;
  }
}

eval::ClassifierTrainingOptions small_options() {
  eval::ClassifierTrainingOptions options;
  options.model.width = 8;
  options.model.blocks = 3;
  options.model.embedding = 32;
  options.epochs = 4;
  options.min_steps = 30;
  options.batch = 16;
  options.seed = 3;
  return options;
}

TEST(SpectrogramClassifier, EmbedsAndClassifiesBatchesOfLogMels) {
  ClassifierOptions options;
  options.num_classes = 5;
  options.n_mels = 64;
  options.frames = 40;
  options.embedding = 24;
  SpectrogramClassifier model(options);
  model->eval();
  const torch::Tensor x = torch::rand({3, 1, 64, 40});
  EXPECT_EQ(model->embed(x).sizes(), (std::vector<int64_t>{3, 24}));
  EXPECT_EQ(model->forward(x.squeeze(1)).sizes(), (std::vector<int64_t>{3, 5}));
  EXPECT_THROW(model->forward(torch::rand({3, 1, 32, 40})), c10::Error);
}

TEST(SpectrogramClassifier, RejectsOptionsOutOfRange) {
  ClassifierOptions options;
  options.num_classes = 1;
  EXPECT_THROW(SpectrogramClassifier{options}, ConfigError);
}

TEST(ClassifierTraining, LearnsSyntheticBandsWellAboveChanceAndDeterministically) {
  torch::Tensor x, y, x_test, y_test;
  make_bands(20, 1, x, y);
  make_bands(10, 2, x_test, y_test);
  int calls = 0;
  SpectrogramClassifier a = eval::train_classifier(
      x, y, 3, small_options(), [&](const eval::ClassifierTrainingProgress&) { ++calls; });
  EXPECT_GT(calls, 0);
  const eval::Classification ca = eval::classify(a, x_test);
  const double accuracy = (ca.predicted == y_test).to(torch::kFloat64).mean().item<double>();
  EXPECT_GT(accuracy, 0.9);
  EXPECT_TRUE(torch::allclose(ca.probabilities.sum(1), torch::ones({30}), 1e-5, 1e-5));

  SpectrogramClassifier b = eval::train_classifier(x, y, 3, small_options());
  const eval::Classification cb = eval::classify(b, x_test);
  EXPECT_TRUE(torch::allclose(ca.embeddings, cb.embeddings, 1e-6, 1e-6));
}

TEST(ClassifierTraining, SavedClassifierLoadsWithIdenticalOutputs) {
  torch::Tensor x, y;
  make_bands(6, 4, x, y);
  auto options = small_options();
  options.min_steps = 2;
  options.epochs = 1;
  SpectrogramClassifier model = eval::train_classifier(x, y, 3, options);
  const std::string path =
      (std::filesystem::path(::testing::TempDir()) / "audiogan-classifier-test" / "c.pt").string();
  eval::save_classifier(model, path, R"({"note": "test"})");
  SpectrogramClassifier loaded = eval::load_classifier(path);
  ASSERT_FALSE(loaded.is_empty());
  EXPECT_TRUE(torch::allclose(eval::classify(model, x).embeddings,
                              eval::classify(loaded, x).embeddings, 1e-6, 1e-6));
  EXPECT_TRUE(eval::load_classifier(path + ".missing").is_empty());
  std::filesystem::remove_all(std::filesystem::path(path).parent_path());
}

TEST(ClassifierTraining, HoldsOutAboutATenthOfEachClass) {
  const torch::Tensor labels =
      torch::cat({torch::zeros({20}, torch::kInt64), torch::ones({3}, torch::kInt64),
                  torch::full({1}, 2, torch::kInt64)});
  const torch::Tensor mask = eval::held_out_mask(labels, 3);
  EXPECT_EQ(mask.slice(0, 0, 20).sum().item<int64_t>(), 2);
  EXPECT_EQ(mask.slice(0, 20, 23).sum().item<int64_t>(), 1);
  EXPECT_EQ(mask.slice(0, 23, 24).sum().item<int64_t>(), 0);  // a lone item stays in training
  EXPECT_TRUE(mask.equal(eval::held_out_mask(labels, 3)));
}

}  // namespace
}  // namespace audiogan
