// The JSON API over a real run: a tiny checkpoint trained in the test on real drum hits, served
// through the real Sampler-backed clip source.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../train/train_fixture.h"
#include "serve/clip_source.h"
#include "serve_fixture.h"
#include "train/trainer.h"

namespace audiogan::serve::testing {
namespace {

using nlohmann::json;
using train_testing::TinyRun;

TEST(ServeApiRealCheckpoint, GeneratesPlayableClipsOfTheRequestedClassFromATrainedRun) {
  TinyRun tiny;
  ASSERT_TRUE(tiny.make_dataset()) << TinyRun::missing_data_message();
  train_testing::train_tiny_run(tiny);

  RunningServer server(tiny.root() / "runs", make_sampler_source("cpu"));
  auto client = server.client();
  auto classes = client.Get("/api/runs/tiny/classes");
  ASSERT_TRUE(classes);
  ASSERT_EQ(classes->status, 200) << classes->body;
  EXPECT_NE(classes->body.find("kick"), std::string::npos) << classes->body;

  const json request = {{"run", "tiny"}, {"class", "snare"}, {"count", 2}, {"seed", 11}};
  auto first = client.Post("/api/generate", request.dump(), "application/json");
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  const json body = json::parse(first->body);
  ASSERT_EQ(body["clips"].size(), 2u);
  std::vector<std::string> wavs;
  for (const auto& clip : body["clips"]) {
    auto wav = client.Get(clip["wav"].get<std::string>());
    ASSERT_TRUE(wav);
    ASSERT_EQ(wav->status, 200);
    EXPECT_EQ(wav->body.substr(0, 4), "RIFF");
    // 32 frames at hop 256 give (32 - 1) * 256 16-bit samples after the 44-byte header.
    EXPECT_EQ(wav->body.size(), 44u + 2u * 31u * 256u);
    wavs.push_back(wav->body);
  }
  EXPECT_NE(wavs[0], wavs[1]) << "two seeds gave the same clip";

  auto unknown =
      client.Post("/api/generate", json{{"run", "tiny"}, {"class", "cowbell"}, {"count", 1}}.dump(),
                  "application/json");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404) << unknown->body;
  EXPECT_NE(unknown->body.find("snare"), std::string::npos) << unknown->body;
}

}  // namespace
}  // namespace audiogan::serve::testing
