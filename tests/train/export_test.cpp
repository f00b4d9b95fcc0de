// Generator exports are runnable TorchScript: LibTorch's torch::jit::load and Python's
// torch.jit.load run forward() and log_mel() and match the C++ generator.
#include <gtest/gtest.h>

#include <torch/script.h>
#include <cstdlib>
#include <filesystem>

#include "audio/npy_file.h"
#include "export_fixture.h"
#include "model/gan_models.h"
#include "train/checkpoint.h"
#include "train/export.h"
#include "train_fixture.h"

namespace audiogan {
namespace {

using export_testing::small_spec;
using export_testing::write_checkpoint;

class ExportTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ExportTest, TorchScriptForwardMatchesTheGenerator) {
  train_testing::TinyRun dir;
  const ModelSpec spec = small_spec(GetParam());
  const auto checkpoint = (dir.root() / "last.pt").string();
  const auto exported = (dir.root() / "G.pt").string();
  auto generator = write_checkpoint(checkpoint, spec);
  export_generator(checkpoint, exported);

  torch::jit::Module module = torch::jit::load(exported);
  const auto z = torch::randn({5, spec.latent});
  const auto labels = torch::tensor({0, 2, 1, 1, 0}, torch::kLong);
  torch::NoGradGuard no_grad;
  const auto expected = generator->forward(z, labels);
  const auto scripted = module.forward({z, labels}).toTensor();
  ASSERT_EQ(scripted.sizes(), expected.sizes());
  EXPECT_TRUE(torch::allclose(scripted, expected, 1e-5, 1e-5))
      << (scripted - expected).abs().max().item<float>();
  const auto log_mel = module.get_method("log_mel")({z, labels}).toTensor();
  EXPECT_TRUE(torch::allclose(log_mel, (expected + 1) * 0.5 * 6.25 + 0.25, 1e-5, 1e-5));
  EXPECT_EQ(module.attr("class_names").toListRef().size(), 3u);

  // audiogan's own loader still rebuilds the C++ module from the same file.
  const ExportedGenerator loaded = load_exported_generator(exported);
  loaded.generator->eval();
  EXPECT_TRUE(torch::allclose(loaded.generator->forward(z, labels), expected, 1e-6, 1e-6));
  EXPECT_EQ(loaded.class_names[2], "snare");

  // Python's torch.jit.load runs it too, where Debian's python3-torch is installed.
  if (std::system("/usr/bin/python3 -c 'import torch' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "python3-torch not installed: the Python check did not run";
  }
  write_npy((dir.root() / "z.npy").string(), z);
  write_npy((dir.root() / "labels.npy").string(), labels.to(torch::kFloat));
  write_npy((dir.root() / "expected.npy").string(), expected);
  const std::string command = std::string("/usr/bin/python3 ") + AUDIOGAN_SOURCE_DIR +
                              "/tests/train/run_export.py " + dir.root().string();
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
}

// Names without '+': gtest parameter names must be alphanumeric.
INSTANTIATE_TEST_SUITE_P(BothArchs, ExportTest,
                         ::testing::Values("seed", "default", "seed+attention",
                                           "default+attention"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           auto name = info.param;
                           const auto plus = name.find('+');
                           if (plus != std::string::npos) name.replace(plus, 1, "With");
                           return name;
                         });

}  // namespace
}  // namespace audiogan
