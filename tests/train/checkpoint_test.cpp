// Checkpoint files: round trip, and truncated/corrupt/foreign files named as such.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "train/checkpoint.h"
#include "train_fixture.h"

namespace audiogan {
namespace {

namespace fs = std::filesystem;

CheckpointMeta sample_meta() {
  CheckpointMeta meta;
  meta.epoch = 3;
  meta.batch_in_epoch = 5;
  meta.step = 41;
  meta.config_toml = Config().to_toml();
  meta.class_names = {"kick", "snare"};
  meta.frontend = FrontendConfig().to_string();
  meta.normalisation = {0.0, 7.5};
  meta.spec.arch = "seed";
  meta.spec.num_classes = 2;
  meta.scaler_g = {256.0, 17};
  return meta;
}

std::string write_sample(const std::string& path, torch::nn::Linear& linear) {
  torch::optim::Adam adam(linear->parameters(), torch::optim::AdamOptions(1e-3));
  linear->zero_grad();
  linear->forward(torch::ones({1, 4})).sum().backward();
  adam.step();
  CheckpointWriter writer;
  writer.add_module("net", *linear);
  writer.add_optimizer("opt", adam);
  writer.add_tensor("rng", torch::arange(5));
  writer.commit({path}, sample_meta());
  return path;
}

TEST(Checkpoint, RoundTripsModulesOptimizersTensorsAndMetadata) {
  train_testing::TinyRun dir;
  torch::manual_seed(1);
  torch::nn::Linear saved(4, 2);
  const auto path = write_sample((dir.root() / "a.pt").string(), saved);
  EXPECT_TRUE(is_checkpoint_file(path));
  CheckpointReader reader(path);
  EXPECT_EQ(reader.meta().step, 41);
  EXPECT_EQ(reader.meta().class_names, (std::vector<std::string>{"kick", "snare"}));
  EXPECT_DOUBLE_EQ(reader.meta().normalisation.high, 7.5);
  EXPECT_EQ(reader.meta().scaler_g.growth_tracker, 17);
  torch::nn::Linear loaded(4, 2);
  reader.load_module("net", *loaded);
  EXPECT_TRUE(torch::equal(loaded->weight, saved->weight));
  torch::optim::Adam adam(loaded->parameters(), torch::optim::AdamOptions(1e-3));
  reader.load_optimizer("opt", adam);
  EXPECT_TRUE(torch::equal(reader.tensor("rng"), torch::arange(5)));
  EXPECT_FALSE(fs::exists(path + ".tmp." + std::to_string(::getpid())));
}

// The spec's D normalisation travels with the file; files from before the setting had it on.
TEST(Checkpoint, SpecKeepsSpectralNormAndOlderFilesReadAsOn) {
  ModelSpec spec;
  spec.spectral_norm = false;
  EXPECT_FALSE(spec_from_json(spec_to_json(spec)).spectral_norm);
  nlohmann::json older = spec_to_json(ModelSpec());
  older.erase("spectral_norm");
  EXPECT_TRUE(spec_from_json(older).spectral_norm);
}

TEST(Checkpoint, TruncatedFileIsReportedWithItsPath) {
  train_testing::TinyRun dir;
  torch::nn::Linear net(4, 2);
  const auto path = write_sample((dir.root() / "t.pt").string(), net);
  fs::resize_file(path, fs::file_size(path) / 2);
  try {
    CheckpointReader reader(path);
    FAIL() << "a truncated checkpoint was accepted";
  } catch (const DataError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_NE(message.find("truncated"), std::string::npos) << message;
  }
}

TEST(Checkpoint, FlippedByteIsReportedAsCorrupt) {
  train_testing::TinyRun dir;
  torch::nn::Linear net(4, 2);
  const auto path = write_sample((dir.root() / "c.pt").string(), net);
  {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    const auto middle = static_cast<std::streamoff>(fs::file_size(path) / 2);
    file.seekg(middle);
    const char byte = static_cast<char>(file.get());
    file.seekp(middle);
    file.put(static_cast<char>(byte ^ 0x5a));
  }
  EXPECT_THROW(CheckpointReader reader(path), DataError);
}

TEST(Checkpoint, ForeignFileIsNotACheckpoint) {
  train_testing::TinyRun dir;
  const auto path = (dir.root() / "x.pt").string();
  std::ofstream(path) << "hello";
  EXPECT_FALSE(is_checkpoint_file(path));
  EXPECT_THROW(CheckpointReader reader(path), DataError);
  EXPECT_THROW(CheckpointReader reader((dir.root() / "missing.pt").string()), IoError);
}

}  // namespace
}  // namespace audiogan
