// `generate --seed S` and the web page give the same clip for the same seed, class and index: both
// go through Sampler::generate_clips, and clip i has seed S + i on either path (docs/api.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "../serve/serve_fixture.h"
#include "../train/train_fixture.h"
#include "audio/audio_file.h"
#include "audio/pcm16.h"
#include "infer/sampler.h"
#include "run_cli.h"
#include "serve/wav_bytes.h"
#include "train/trainer.h"

namespace audiogan {
namespace {

using cli_testing::quoted;
using cli_testing::run_cli;
using nlohmann::json;
using train_testing::TinyRun;

TEST(SeededClips, AClipDependsOnItsSeedAloneNotOnItsBatch) {
  TinyRun tiny;
  ASSERT_TRUE(tiny.make_dataset()) << tiny.missing_data_message();
  const Sampler sampler = Sampler::load(train_testing::train_tiny_run(tiny));
  const double t = sampler.default_truncation();
  ASSERT_GT(t, 0.0);
  const Sampler::Clips both = sampler.generate_clips(1, {11, 12}, t);
  const Sampler::Clips second = sampler.generate_clips(1, {12}, t);
  EXPECT_TRUE(torch::equal(sampler.clip_latents({11, 12}, t)[1], sampler.latents(1, 12, t)[0]));
  EXPECT_TRUE(torch::equal(both.log_mels[1], second.log_mels[0]));
  EXPECT_EQ(both.audio[1], second.audio[0]);
  EXPECT_FALSE(torch::equal(both.log_mels[0], both.log_mels[1])) << "two seeds, one clip";
  EXPECT_EQ(Sampler::clip_seed(11, 1), 12u);
  EXPECT_EQ(Sampler::clip_seed(UINT64_MAX, 1), 0u);  // wraps as the page's uint64 seeds do
}

TEST(SeededClips, GenerateAndTheServerGiveTheSameClipForTheSameSeed) {
  TinyRun tiny;
  ASSERT_TRUE(tiny.make_dataset()) << tiny.missing_data_message();
  const std::string checkpoint = train_testing::train_tiny_run(tiny);
  const Sampler sampler = Sampler::load(checkpoint);
  const int snare = sampler.class_index("snare");
  const Sampler::Clips expected =
      sampler.generate_clips(snare, {11, 12}, sampler.default_truncation());
  const int rate = sampler.frontend().sample_rate;

  // The page: POST /api/generate {seed 11, count 2} through the real Sampler-backed source.
  serve::testing::RunningServer server(tiny.root() / "runs", serve::make_sampler_source("cpu"));
  auto client = server.client();
  const json request = {{"run", "tiny"}, {"class", "snare"}, {"count", 2}, {"seed", 11}};
  auto res = client.Post("/api/generate", request.dump(), "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const json clips = json::parse(res->body)["clips"];
  ASSERT_EQ(clips.size(), 2u);
  std::vector<std::string> page_wavs;
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(clips[i]["seed"], 11 + i);
    auto wav = client.Get(clips[i]["wav"].get<std::string>());
    ASSERT_TRUE(wav);
    std::vector<float> limited = expected.audio[i];
    limit_peak(limited);
    EXPECT_TRUE(wav->body == serve::encode_wav_pcm16(limited, rate))
        << "the page's clip " << i << " is not Sampler::generate_clips's, peak-limited";
    page_wavs.push_back(wav->body);
  }

  // The command line: generate --seed 11 --count 2 writes snare_seed11.wav and snare_seed12.wav.
  const std::string out = tiny.run("generated");
  const auto result = run_cli("generate --checkpoint " + quoted(checkpoint) +
                              " --class snare --count 2 --seed 11 --out " + quoted(out));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  for (size_t i = 0; i < 2; ++i) {
    const std::string path = out + "/snare_seed" + std::to_string(11 + i) + ".wav";
    // The same 16-bit samples as the page's WAV, bit for bit (the file's header may differ).
    std::ifstream in(path, std::ios::binary);
    const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_GE(page_wavs.size(), i + 1);
    const size_t data_bytes = page_wavs[i].size() - 44;
    ASSERT_EQ(expected.audio[i].size() * 2, data_bytes) << path;
    ASSERT_GE(file.size(), data_bytes) << path;
    EXPECT_TRUE(file.substr(file.size() - data_bytes) == page_wavs[i].substr(44))
        << path << " differs from the page's clip of seed " << 11 + i;
  }
}

}  // namespace
}  // namespace audiogan
