// A generator export with the learned vocoder bundled: LibTorch's torch::jit::load and Python's
// torch.jit.load run vocode() and audio() and match audiogan's own vocoder; a vocoder for
// another front end is refused naming both values.
#include "vocoder/vocoder_script.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "../train/export_fixture.h"
#include "../train/train_fixture.h"
#include "audio/npy_file.h"
#include "core/error.h"
#include "train/export.h"

namespace audiogan {
namespace {

// A small random vocoder of `kind` for the export fixture's front end (the default one at 32
// mels): a 2-block vocos ("vocos-prior-integrated": with --magnitude prior --phase integrated),
// or HiFi-GAN V3's generator at 32 channels.
LoadedVocoder small_vocoder(int n_mels, const std::string& kind = "vocos") {
  torch::manual_seed(5);
  const std::string arch = kind == "hifigan" ? "hifigan" : "vocos";
  VocoderConfig config = VocoderConfig::for_arch(arch);
  if (kind == "vocos-prior-integrated") {
    config.magnitude = "prior";
    config.phase = "integrated";
  }
  config.dim = 32;
  config.intermediate = 64;
  config.blocks = 2;
  config.hifigan = "v3";
  config.hifigan_channels = 32;
  LoadedVocoder vocoder;
  vocoder.frontend.n_mels = n_mels;
  vocoder.model = make_vocoder_model(config, vocoder.frontend);
  {
    // Away from the initialisation (layer scale 1/N, zero biases), so every weight matters.
    torch::NoGradGuard no_grad;
    for (auto& p : vocoder.model->parameters()) p.add_(torch::randn_like(p) * 0.05);
  }
  vocoder.model->eval();
  vocoder.path = "small-vocoder";
  return vocoder;
}

class VocoderScript : public ::testing::TestWithParam<std::string> {};

TEST_P(VocoderScript, ABundledVocoderRunsInTorchScriptAsInAudiogan) {
  train_testing::TinyRun dir;
  const ModelSpec spec = export_testing::small_spec("default");
  const auto checkpoint = (dir.root() / "last.pt").string();
  const auto exported = (dir.root() / "G.pt").string();
  export_testing::write_checkpoint(checkpoint, spec);
  const LoadedVocoder vocoder = small_vocoder(spec.n_mels, GetParam());
  export_generator(checkpoint, exported, [&](torch::jit::Module& m, nlohmann::json& meta) {
    bundle_vocoder(m, meta, vocoder);
  });

  torch::jit::Module module = torch::jit::load(exported);
  torch::NoGradGuard no_grad;
  const torch::Tensor log_mel = torch::rand({2, spec.n_mels, 20}) * 5.0;  // [B, n_mels, T]
  const torch::Tensor expected = audiogan::vocode(vocoder, log_mel);      // [B, T * hop]
  const torch::Tensor scripted = module.get_method("vocode")({log_mel}).toTensor();
  ASSERT_EQ(scripted.sizes(), expected.sizes());
  EXPECT_EQ(scripted.size(1), 20 * vocoder.frontend.hop_length);
  EXPECT_TRUE(torch::allclose(scripted, expected, 1e-4, 1e-5))
      << (scripted - expected).abs().max().item<float>();

  const torch::Tensor z = torch::randn({3, spec.latent});
  const torch::Tensor labels = torch::tensor({0, 2, 1}, torch::kLong);
  const torch::Tensor generated = module.get_method("log_mel")({z, labels}).toTensor();
  const torch::Tensor audio = module.get_method("audio")({z, labels}).toTensor();
  const torch::Tensor direct = audiogan::vocode(vocoder, generated.squeeze(1).clamp_min(0.0));
  EXPECT_EQ(audio.sizes(), (std::vector<int64_t>{3, spec.frames * vocoder.frontend.hop_length}));
  EXPECT_TRUE(torch::allclose(audio, direct, 1e-4, 1e-5));
  const auto metadata = nlohmann::json::parse(module.attr("metadata").toStringRef());
  EXPECT_EQ(metadata["vocoder"]["path"], "small-vocoder");
  EXPECT_EQ(metadata["vocoder"]["arch"], GetParam() == "hifigan" ? "hifigan" : "vocos");
  if (GetParam() != "hifigan") {
    EXPECT_EQ(metadata["vocoder"]["magnitude"], GetParam() == "vocos" ? "direct" : "prior");
    EXPECT_EQ(metadata["vocoder"]["phase"], GetParam() == "vocos" ? "direct" : "integrated");
  }
  EXPECT_TRUE(metadata["methods"].contains("vocode"));

  // Python's torch.jit.load gives the same waveform.
  if (std::system("/usr/bin/python3 -c 'import torch' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "python3-torch not installed: the Python check did not run";
  }
  write_npy((dir.root() / "log_mel.npy").string(), log_mel);
  write_npy((dir.root() / "expected_audio.npy").string(), expected);
  const std::string command = std::string("/usr/bin/python3 ") + AUDIOGAN_SOURCE_DIR +
                              "/tests/vocoder/run_vocoder_export.py " + dir.root().string();
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
}

INSTANTIATE_TEST_SUITE_P(EveryArch, VocoderScript,
                         ::testing::Values("vocos", "vocos-prior-integrated", "hifigan"));

TEST(VocoderScriptBundle, AVocoderForAnotherFrontEndIsNotBundled) {
  train_testing::TinyRun dir;
  const ModelSpec spec = export_testing::small_spec("seed");
  const auto checkpoint = (dir.root() / "last.pt").string();
  export_testing::write_checkpoint(checkpoint, spec);
  const LoadedVocoder vocoder = small_vocoder(2 * spec.n_mels);
  try {
    export_generator(
        checkpoint, (dir.root() / "G.pt").string(),
        [&](torch::jit::Module& m, nlohmann::json& meta) { bundle_vocoder(m, meta, vocoder); });
    FAIL() << "a 64-mel vocoder was bundled with a 32-mel generator";
  } catch (const DataError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("n_mels: vocoder 64, data 32"), std::string::npos) << message;
  }
  EXPECT_FALSE(std::filesystem::exists(dir.root() / "G.pt"));
}

}  // namespace
}  // namespace audiogan
