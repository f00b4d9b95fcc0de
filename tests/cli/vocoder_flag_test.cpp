// `--vocoder VOC_DIR` on generate and serve: the clips come from the learned vocoder (what
// Sampler makes with it in-process, sample for sample), `--vocoder griffin-lim` is the default
// path, and a vocoder trained for another front end is one clear error naming both values
// (generate, evaluate).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "../serve/serve_fixture.h"
#include "../train/train_fixture.h"
#include "audio/audio_file.h"
#include "audio/pcm16.h"
#include "infer/sampler.h"
#include "run_cli.h"
#include "serve/clip_source.h"
#include "serve/wav_bytes.h"
#include "train/run_dir.h"
#include "train/trainer.h"
#include "vocoder/vocoder_checkpoint.h"

namespace audiogan {
namespace {

using cli_testing::quoted;
using cli_testing::run_cli;
using train_testing::TinyRun;

// An untrained one-block vocoder for `frontend`: what it sounds like does not matter here,
// only that its audio is what reaches the files.
std::string save_vocoder(const FrontendConfig& frontend, const std::string& path) {
  VocoderRunConfig config;
  config.frontend = frontend;
  config.vocoder.dim = 32;
  config.vocoder.intermediate = 64;
  config.vocoder.blocks = 1;
  VocoderCheckpointMeta meta;
  meta.config = config;
  save_vocoder_checkpoint({path}, make_vocoder_model(config.vocoder, config.frontend), nullptr,
                          meta);
  return path;
}

std::vector<float> read_samples(const std::string& path, int sample_rate) {
  return read_audio(path, sample_rate).samples;
}

TEST(VocoderFlag, GenerateMakesItsAudioWithTheNamedVocoder) {
  TinyRun tiny;
  ASSERT_TRUE(tiny.make_dataset()) << tiny.missing_data_message();
  const std::string checkpoint = train_testing::train_tiny_run(tiny);
  Sampler sampler = Sampler::load(checkpoint);
  const FrontendConfig& fe = sampler.frontend();
  const std::string vocoder = save_vocoder(fe, tiny.run("vocoder.pt"));
  const int snare = sampler.class_index("snare");
  const double t = sampler.default_truncation();
  const Sampler::Clips griffin_lim = sampler.generate_clips(snare, {5}, t);
  sampler.use_vocoder(as_mel_vocoder(load_vocoder_for(vocoder, fe)), vocoder);
  EXPECT_EQ(sampler.vocoder_name(), vocoder);
  const Sampler::Clips learned = sampler.generate_clips(snare, {5}, t);
  // The learned vocoder gives frames * hop samples, Griffin-Lim (frames - 1) * hop.
  ASSERT_EQ(learned.audio[0].size(), static_cast<size_t>(fe.frames * fe.hop_length));
  ASSERT_EQ(griffin_lim.audio[0].size(), static_cast<size_t>((fe.frames - 1) * fe.hop_length));

  const std::string out = tiny.run("learned");
  const auto result = run_cli("generate --checkpoint " + quoted(checkpoint) +
                              " --class snare --count 1 --seed 5 --vocoder " + quoted(vocoder) +
                              " --out " + quoted(out));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  std::vector<float> expected = learned.audio[0];
  limit_peak(expected);
  const std::vector<float> written = read_samples(out + "/snare_seed5.wav", fe.sample_rate);
  ASSERT_EQ(written.size(), expected.size());
  for (size_t i = 0; i < written.size(); ++i) {
    ASSERT_NEAR(written[i], expected[i], 2.0 / 32767) << "sample " << i;
  }

  // serve --vocoder: the page's clip of that seed is the same one, through the same vocoder.
  serve::testing::RunningServer server(
      tiny.root() / "runs", serve::make_sampler_source("cpu", [&vocoder](Sampler& loaded) {
        loaded.use_vocoder(as_mel_vocoder(load_vocoder_for(vocoder, loaded.frontend())), vocoder);
      }));
  auto client = server.client();
  const nlohmann::json request = {{"run", "tiny"}, {"class", "snare"}, {"count", 1}, {"seed", 5}};
  auto res = client.Post("/api/generate", request.dump(), "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  auto wav = client.Get(nlohmann::json::parse(res->body)["clips"][0]["wav"].get<std::string>());
  ASSERT_TRUE(wav);
  EXPECT_TRUE(wav->body == serve::encode_wav_pcm16(expected, fe.sample_rate))
      << "the page's clip is not the learned vocoder's";

  // --vocoder griffin-lim is the default path.
  const std::string gl_out = tiny.run("griffin-lim");
  const auto gl_result =
      run_cli("generate --checkpoint " + quoted(checkpoint) +
              " --class snare --count 1 --seed 5 --vocoder griffin-lim --out " + quoted(gl_out));
  ASSERT_EQ(gl_result.exit_code, 0) << gl_result.output;
  EXPECT_EQ(read_samples(gl_out + "/snare_seed5.wav", fe.sample_rate).size(),
            griffin_lim.audio[0].size());
}

TEST(VocoderFlag, AVocoderForAnotherFrontEndIsAnErrorNamingBothValues) {
  TinyRun tiny;
  ASSERT_TRUE(tiny.make_dataset()) << tiny.missing_data_message();
  const std::string checkpoint = train_testing::train_tiny_run(tiny);
  FrontendConfig other = Sampler::load(checkpoint).frontend();
  const int n_mels = other.n_mels;
  other.n_mels = 2 * n_mels;
  const std::string vocoder = save_vocoder(other, tiny.run("other.pt"));
  const std::vector<std::string> commands = {"generate --class snare",
                                             "evaluate --data " + quoted(tiny.data())};
  for (const std::string& command : commands) {
    const auto result = run_cli(command + " --checkpoint " + quoted(checkpoint) + " --vocoder " +
                                quoted(vocoder) + " --out " + quoted(tiny.run("out")));
    EXPECT_NE(result.exit_code, 0) << command;
    const std::string expected =
        "n_mels: vocoder " + std::to_string(2 * n_mels) + ", data " + std::to_string(n_mels);
    EXPECT_NE(result.output.find(expected), std::string::npos) << command << ": " << result.output;
  }
}

// train --vocoder makes the per-epoch audio with it and records it (absolute) in the run; then
// generate uses it unasked, --vocoder griffin-lim overrides it, and once it is gone generate
// says which vocoder is missing and how to do without it.
TEST(VocoderFlag, TrainRecordsItsVocoderAndGenerateUsesItUnasked) {
  namespace fs = std::filesystem;
  TinyRun tiny;
  ASSERT_TRUE(tiny.make_dataset()) << tiny.missing_data_message();
  const FrontendConfig fe = TinyRun::small_config().frontend;
  fs::create_directories(tiny.run("voc") + "/checkpoints");
  const std::string absolute =
      fs::weakly_canonical(save_vocoder(fe, tiny.run("voc") + "/checkpoints/last.pt")).string();
  const std::string relative = fs::relative(tiny.run("voc"), fs::current_path()).string();
  const std::string run = tiny.run("gan");
  const auto trained = run_cli(
      "train --data " + quoted(tiny.data()) + " --out " + quoted(run) + " --cache " +
      quoted(tiny.cache()) + " --vocoder " + quoted(relative) +
      " --epochs 1 --eval-every 0 --sample-rate 16000 --n-fft 512 --win-length 512 --hop 256"
      " --n-mels 32 --frames 32 --arch default --batch 4 --width 2 --latent 8 --amp off"
      " --device cpu --threads 1");
  ASSERT_EQ(trained.exit_code, 0) << trained.output;
  std::ifstream config_file(run + "/config.toml");
  const std::string config((std::istreambuf_iterator<char>(config_file)),
                           std::istreambuf_iterator<char>());
  EXPECT_NE(config.find("vocoder = '" + absolute + "'"), std::string::npos) << config;
  const size_t learned = static_cast<size_t>(fe.frames * fe.hop_length);
  const size_t griffin_lim = static_cast<size_t>((fe.frames - 1) * fe.hop_length);
  EXPECT_EQ(read_samples(RunDir{run}.audio_clip("snare", 1), fe.sample_rate).size(), learned);

  const std::string checkpoint = run + "/checkpoints/last.pt";
  const auto generate = [&](const std::string& flags, const std::string& out) {
    return run_cli("generate --checkpoint " + quoted(checkpoint) +
                   " --class snare --count 1 --seed 3 --out " + quoted(out) + flags);
  };
  ASSERT_EQ(generate("", tiny.run("auto")).exit_code, 0);
  EXPECT_EQ(read_samples(tiny.run("auto") + "/snare_seed3.wav", fe.sample_rate).size(), learned);
  ASSERT_EQ(generate(" --vocoder griffin-lim", tiny.run("gl")).exit_code, 0);
  EXPECT_EQ(read_samples(tiny.run("gl") + "/snare_seed3.wav", fe.sample_rate).size(), griffin_lim);

  fs::remove_all(tiny.run("voc"));
  const auto missing = generate("", tiny.run("missing"));
  EXPECT_EQ(missing.exit_code, 1) << missing.output;
  EXPECT_NE(missing.output.find(absolute), std::string::npos) << missing.output;
  EXPECT_NE(missing.output.find("the vocoder the run was trained with"), std::string::npos)
      << missing.output;
  EXPECT_EQ(generate(" --vocoder griffin-lim", tiny.run("gl2")).exit_code, 0);
}

}  // namespace
}  // namespace audiogan
