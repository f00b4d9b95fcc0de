// Vocoder config and checkpoints: validation, TOML round trip, save/load gives identical
// outputs, damaged files and front-end mismatches are clear errors naming both values.
#include "vocoder/vocoder_checkpoint.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <random>

#include "core/error.h"

namespace audiogan {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::random_device device;
    path_ = fs::temp_directory_path() / ("audiogan-vocoder-" + std::to_string(device()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

VocoderRunConfig small_config() {
  VocoderRunConfig c;
  c.frontend.sample_rate = 16000;
  c.frontend.n_fft = 512;
  c.frontend.win_length = 512;
  c.frontend.hop_length = 128;
  c.frontend.n_mels = 32;
  c.vocoder.dim = 32;
  c.vocoder.intermediate = 64;
  c.vocoder.blocks = 2;
  return c;
}

std::string message_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(VocoderConfig, ValidateNamesTheFlag) {
  VocoderConfig c;
  c.dim = 0;
  EXPECT_NE(message_of([&] { c.validate(); }).find("--dim"), std::string::npos);
  c = VocoderConfig();
  c.segment_frames = 1;
  EXPECT_THROW(c.validate(), ConfigError);
  c = VocoderConfig();
  c.magnitude = "residual";
  EXPECT_NE(message_of([&] { c.validate(); }).find("--magnitude"), std::string::npos);
  c = VocoderConfig::for_arch("hifigan");  // its generator has no iSTFT head to shape
  c.phase = "integrated";
  EXPECT_NE(message_of([&] { c.validate(); }).find("--phase"), std::string::npos);
  c.phase = "direct";
  c.magnitude = "prior";
  EXPECT_NE(message_of([&] { c.validate(); }).find("--magnitude"), std::string::npos);
  EXPECT_NO_THROW(VocoderConfig().validate());
}

TEST(VocoderConfig, TomlRoundTripsAndRejectsUnknownKeys) {
  VocoderRunConfig c = small_config();
  c.vocoder.lr = 3e-4;
  c.vocoder.seed = 42;
  const VocoderRunConfig back = VocoderRunConfig::from_toml_string(c.to_toml(), "test");
  EXPECT_EQ(back.vocoder.to_string(), c.vocoder.to_string());
  EXPECT_EQ(back.frontend.to_string(), c.frontend.to_string());
  EXPECT_NE(message_of([] {
              VocoderRunConfig::from_toml_string("[vocoder]\ndimm = 3\n", "f.toml");
            }).find("dimm"),
            std::string::npos);
  EXPECT_THROW(VocoderRunConfig::from_toml_string("[train]\nbatch = 3\n", "f.toml"), ConfigError);
}

TEST(VocoderConfig, HifiGanStartsFromThePapersRecipe) {
  const VocoderConfig h = VocoderConfig::for_arch("hifigan");
  EXPECT_EQ(h.arch, "hifigan");
  EXPECT_EQ(h.lr, 2e-4);
  EXPECT_EQ(h.lr_decay, 0.999);
  EXPECT_EQ(h.mel_weight, 45);
  EXPECT_EQ(h.stft_weight, 0);
  EXPECT_TRUE(h.adversarial_enabled());
  EXPECT_FALSE(VocoderConfig::for_arch("vocos").adversarial_enabled());
  EXPECT_NE(message_of([] { VocoderConfig::for_arch("wavenet"); }).find("{vocos, hifigan}"),
            std::string::npos);
  // A table with arch = "hifigan" starts from that recipe; --arch over a file likewise.
  const VocoderRunConfig file =
      VocoderRunConfig::from_toml_string("[vocoder]\narch = \"hifigan\"\nbatch = 4\n", "f.toml");
  EXPECT_EQ(file.vocoder.mel_weight, 45);
  EXPECT_EQ(file.vocoder.batch, 4);
  const VocoderRunConfig flag =
      VocoderRunConfig::from_toml_string("[vocoder]\nbatch = 4\n", "f.toml", "hifigan");
  EXPECT_EQ(flag.vocoder.lr, 2e-4);
  EXPECT_EQ(flag.vocoder.batch, 4);
  VocoderConfig bad = h;
  bad.hifigan_channels = 24;
  EXPECT_NE(message_of([&] { bad.validate(); }).find("--hifigan-channels"), std::string::npos);
  bad = h;
  bad.adversarial = "yes";
  EXPECT_NE(message_of([&] { bad.validate(); }).find("--adversarial"), std::string::npos);
}

TEST(VocoderConfig, FrontendMismatchNamesBothValues) {
  FrontendConfig vocoder = small_config().frontend;
  FrontendConfig data = vocoder;
  data.frames = 96;  // frames never matter to a vocoder
  EXPECT_NO_THROW(check_frontend_match(vocoder, data, "v.pt"));
  data.sample_rate = 22050;
  data.hop_length = 256;
  const std::string message = message_of([&] { check_frontend_match(vocoder, data, "v.pt"); });
  EXPECT_NE(message.find("sample_rate: vocoder 16000, data 22050"), std::string::npos) << message;
  EXPECT_NE(message.find("hop_length: vocoder 128, data 256"), std::string::npos) << message;
  EXPECT_NE(message.find("v.pt"), std::string::npos) << message;
}

TEST(VocoderCheckpoint, SaveAndLoadGiveIdenticalOutputs) {
  for (const std::string magnitude : {"direct", "prior"}) {
    TempDir dir;
    VocoderRunConfig config = small_config();
    config.vocoder.magnitude = magnitude;
    config.vocoder.phase = magnitude == "prior" ? "integrated" : "direct";
    torch::manual_seed(11);
    VocoderModel model = make_vocoder_model(config.vocoder, config.frontend);
    {
      torch::NoGradGuard no_grad;  // away from the initialisation's zero rows and biases
      for (auto& p : model->parameters()) p.add_(torch::randn_like(p) * 0.05);
    }
    model->eval();
    VocoderCheckpointMeta meta;
    meta.step = 17;
    meta.config = config;
    meta.data_root = "/some/data";
    save_vocoder_checkpoint({dir.file("v.pt")}, model, nullptr, meta);

    VocoderCheckpointReader reader(dir.file("v.pt"));
    EXPECT_EQ(reader.meta().step, 17);
    EXPECT_EQ(reader.meta().data_root, "/some/data");
    EXPECT_EQ(reader.meta().config.vocoder.to_string(), config.vocoder.to_string());
    VocoderModel loaded = reader.load_model();
    torch::Tensor mel = torch::rand({2, config.frontend.n_mels, 12}) * 4;
    torch::NoGradGuard no_grad;
    EXPECT_TRUE(
        torch::equal(model->forward(mel, config.frontend), loaded->forward(mel, config.frontend)))
        << magnitude;
    torch::optim::AdamW optimizer(loaded->parameters());
    EXPECT_THROW(reader.load_optimizer(optimizer), DataError);  // saved without one
  }
}

TEST(VocoderCheckpoint, LoadingForAnotherFrontEndNamesBothValues) {
  TempDir dir;
  const VocoderRunConfig config = small_config();
  VocoderCheckpointMeta meta;
  meta.config = config;
  save_vocoder_checkpoint({dir.file("v.pt")}, make_vocoder_model(config.vocoder, config.frontend),
                          nullptr, meta);
  FrontendConfig data = config.frontend;
  EXPECT_NO_THROW(load_vocoder_for(dir.file("v.pt"), data));
  data.n_mels = 128;
  const std::string message = message_of([&] { load_vocoder_for(dir.file("v.pt"), data); });
  EXPECT_NE(message.find("n_mels: vocoder 32, data 128"), std::string::npos) << message;
}

TEST(VocoderCheckpoint, DamagedFilesAreNamedAsSuch) {
  TempDir dir;
  const VocoderRunConfig config = small_config();
  VocoderCheckpointMeta meta;
  meta.config = config;
  save_vocoder_checkpoint({dir.file("v.pt")}, make_vocoder_model(config.vocoder, config.frontend),
                          nullptr, meta);
  EXPECT_TRUE(is_vocoder_checkpoint_file(dir.file("v.pt")));
  const auto size = fs::file_size(dir.file("v.pt"));
  fs::copy_file(dir.file("v.pt"), dir.file("cut.pt"));
  fs::resize_file(dir.file("cut.pt"), size - 100);
  EXPECT_NE(message_of([&] { VocoderCheckpointReader r(dir.file("cut.pt")); }).find("truncated"),
            std::string::npos);
  std::ofstream(dir.file("other.pt")) << "not a checkpoint at all, just text";
  EXPECT_NE(message_of([&] {
              VocoderCheckpointReader r(dir.file("other.pt"));
            }).find("not an audiogan vocoder checkpoint"),
            std::string::npos);
  EXPECT_THROW(VocoderCheckpointReader(dir.file("missing.pt")), IoError);
}

}  // namespace
}  // namespace audiogan
