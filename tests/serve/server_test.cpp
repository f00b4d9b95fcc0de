// The server's JSON API against a real server on a free loopback port, with a fake clip source
// (no model): listing, generation, caching, errors, path safety and concurrency.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>

#include <nlohmann/json.hpp>

#include "serve_fixture.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace audiogan::serve::testing {
namespace {

json body_of(const httplib::Result& res) {
  return json::parse(res->body);
}

httplib::Result post_json(httplib::Client& client, const json& body) {
  return client.Post("/api/generate", body.dump(), "application/json");
}

// Checks that a response is a 4xx carrying {"error": "..."}.
void expect_json_error(const httplib::Result& res, int status, const std::string& fragment) {
  ASSERT_TRUE(res) << "no response";
  EXPECT_EQ(res->status, status) << res->body;
  const json body = json::parse(res->body, nullptr, false);
  ASSERT_TRUE(body.is_object() && body.contains("error")) << res->body;
  EXPECT_NE(body["error"].get<std::string>().find(fragment), std::string::npos) << res->body;
}

TEST(ServeApi, HealthAnswersOk) {
  RunningServer server(make_fake_runs("health"), std::make_shared<FakeSource>());
  auto client = server.client();
  auto res = client.Get("/health");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(body_of(res)["status"], "ok");
}

TEST(ServeApi, ListsOnlyFoldersWithCheckpointsAsRuns) {
  RunningServer server(make_fake_runs("list"), std::make_shared<FakeSource>());
  auto client = server.client();
  auto res = client.Get("/api/runs");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  const json runs = body_of(res)["runs"];
  ASSERT_EQ(runs.size(), 2u) << runs.dump();
  EXPECT_EQ(runs[0]["name"], "alpha");
  EXPECT_EQ(runs[1]["name"], "beta");
  const json& alpha = runs[0];
  ASSERT_EQ(alpha["checkpoints"].size(), 3u);
  EXPECT_EQ(alpha["checkpoints"][0]["name"], "last.pt");
  EXPECT_EQ(alpha["checkpoints"][1]["name"], "epoch_002.pt");
  EXPECT_EQ(alpha["checkpoints"][1]["epoch"], 2);
  EXPECT_EQ(alpha["epochs"], json::array({1, 2}));
  EXPECT_EQ(alpha["classes"], json::array({"kick", "snare"}));
  EXPECT_TRUE(alpha["has_eval_report"].get<bool>());
  EXPECT_TRUE(alpha["has_loss_plot"].get<bool>());
  EXPECT_FALSE(runs[1]["has_eval_report"].get<bool>());
}

TEST(ServeApi, CheckpointTimesAreUnixTimeAndSizesAreBytes) {
  const fs::path runs_dir = make_fake_runs("mtime");
  RunningServer server(runs_dir, std::make_shared<FakeSource>());
  auto client = server.client();
  auto res = client.Get("/api/runs");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  const long long now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  const json runs = body_of(res)["runs"];
  ASSERT_FALSE(runs.empty());
  const json& checkpoints = runs[0]["checkpoints"];
  ASSERT_FALSE(checkpoints.empty());
  for (const auto& checkpoint : checkpoints) {
    // The fixture wrote these files just now; docs/api.md promises Unix-epoch nanoseconds.
    const long long mtime = checkpoint["mtime_ns"].get<long long>();
    EXPECT_LT(std::llabs(mtime - now_ns), 60LL * 1000 * 1000 * 1000) << checkpoint.dump();
    const auto path = runs_dir / "alpha" / "checkpoints" / checkpoint["name"].get<std::string>();
    EXPECT_EQ(checkpoint["bytes"].get<long long>(), static_cast<long long>(fs::file_size(path)));
  }
}

TEST(ServeApi, ClassesAndHistoryDescribeTheRun) {
  RunningServer server(make_fake_runs("history"), std::make_shared<FakeSource>());
  auto client = server.client();
  auto classes = client.Get("/api/runs/alpha/classes?checkpoint=epoch_001.pt");
  ASSERT_TRUE(classes);
  ASSERT_EQ(classes->status, 200);
  EXPECT_EQ(body_of(classes)["classes"], json::array({"kick", "snare"}));
  EXPECT_EQ(body_of(classes)["checkpoint"], "epoch_001.pt");

  auto res = client.Get("/api/runs/alpha/history");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  const json history = body_of(res);
  ASSERT_EQ(history["epochs"].size(), 2u);
  EXPECT_EQ(history["epochs"][0]["epoch"], 1);
  EXPECT_EQ(history["epochs"][0]["audio"].size(), 2u);
  EXPECT_EQ(history["epochs"][1]["audio"].size(), 1u);
  // Two whole lines; the partly written third is skipped, not an error.
  EXPECT_EQ(history["metrics"].size(), 2u);
  EXPECT_EQ(history["metrics_skipped_lines"], 1);
  EXPECT_EQ(history["eval"]["report"]["fad"], 3.5);

  // Every URL the history names can be fetched and returns that file's bytes.
  auto plot = client.Get(history["epochs"][1]["plot"].get<std::string>());
  ASSERT_TRUE(plot);
  EXPECT_EQ(plot->status, 200);
  EXPECT_EQ(plot->body, "plot-2");
  EXPECT_EQ(plot->get_header_value("Content-Type"), "image/png");
  auto audio = client.Get(history["epochs"][0]["audio"][1]["url"].get<std::string>());
  ASSERT_TRUE(audio);
  EXPECT_EQ(audio->body, "snare-1");
  auto loss = client.Get(history["loss_plot"].get<std::string>());
  ASSERT_TRUE(loss);
  EXPECT_EQ(loss->body, "loss");
}

TEST(ServeApi, GenerateReturnsClipsWhoseWavAndPngCanBeFetched) {
  RunningServer server(make_fake_runs("generate"), std::make_shared<FakeSource>());
  auto client = server.client();
  auto res = post_json(client, {{"run", "alpha"}, {"class", "snare"}, {"count", 3}, {"seed", 7}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const json body = body_of(res);
  EXPECT_EQ(body["checkpoint"], "last.pt");
  EXPECT_EQ(body["class"], "snare");
  EXPECT_EQ(body["seed"], 7);
  ASSERT_EQ(body["clips"].size(), 3u);
  EXPECT_EQ(body["clips"][2]["seed"], 9);
  for (const auto& clip : body["clips"]) {
    auto wav = client.Get(clip["wav"].get<std::string>());
    ASSERT_TRUE(wav);
    ASSERT_EQ(wav->status, 200);
    EXPECT_EQ(wav->body.substr(0, 4), "RIFF");
    EXPECT_EQ(wav->body.substr(8, 4), "WAVE");
    EXPECT_EQ(wav->get_header_value("Content-Type"), "audio/wav");
    auto png = client.Get(clip["png"].get<std::string>());
    ASSERT_TRUE(png);
    ASSERT_EQ(png->status, 200);
    EXPECT_EQ(png->body.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  }
}

// A request without a truncation gets the model's default; one with a truncation keeps it, and
// the two are different clips.
TEST(ServeApi, TruncationDefaultsToTheModelsOwn) {
  RunningServer server(make_fake_runs("truncation"), std::make_shared<FakeSource>());
  auto client = server.client();
  const json plain = body_of(post_json(client, {{"run", "alpha"}, {"class", "kick"}, {"seed", 3}}));
  EXPECT_EQ(plain["truncation"], 0.3);
  const json off = body_of(
      post_json(client, {{"run", "alpha"}, {"class", "kick"}, {"seed", 3}, {"truncation", 0}}));
  EXPECT_EQ(off["truncation"], 0.0);
  EXPECT_NE(plain["clips"][0]["id"], off["clips"][0]["id"]);
  const json same = body_of(
      post_json(client, {{"run", "alpha"}, {"class", "kick"}, {"seed", 3}, {"truncation", 0.3}}));
  EXPECT_EQ(same["clips"][0]["id"], plain["clips"][0]["id"]);
}

// A length goes to the model and into the clip's identity: the same seed at another length is
// another clip; without one, the response says so with null.
TEST(ServeApi, SecondsReachTheModelAndNameTheClip) {
  RunningServer server(make_fake_runs("seconds"), std::make_shared<FakeSource>());
  auto client = server.client();
  const json plain = body_of(post_json(client, {{"run", "alpha"}, {"class", "kick"}, {"seed", 3}}));
  EXPECT_TRUE(plain["seconds"].is_null());
  const json longer = body_of(
      post_json(client, {{"run", "alpha"}, {"class", "kick"}, {"seed", 3}, {"seconds", 0.5}}));
  EXPECT_EQ(longer["seconds"], 0.5);
  EXPECT_DOUBLE_EQ(longer["clips"][0]["duration_s"].get<double>(), 0.5);
  EXPECT_NE(plain["clips"][0]["id"], longer["clips"][0]["id"]);
  auto wav = client.Get(longer["clips"][0]["wav"].get<std::string>());
  ASSERT_TRUE(wav);
  // 0.5 s of 16-bit mono at 8 kHz after the 44-byte header.
  EXPECT_EQ(wav->body.size(), 44u + 2u * 4000u);
}

TEST(ServeApi, SameSeedGivesSameClipsAndReusesTheCache) {
  auto source = std::make_shared<FakeSource>();
  RunningServer server(make_fake_runs("seed"), source);
  auto client = server.client();
  const json request = {{"run", "alpha"}, {"class", 0}, {"count", 2}, {"seed", "12345"}};
  const json first = body_of(post_json(client, request));
  const json second = body_of(post_json(client, request));
  EXPECT_EQ(first["clips"], second["clips"]);
  EXPECT_EQ(source->generated.load(), 2);  // the second request came from the cache
  // Clip 1 of seed 12345 is clip 0 of seed 12346: the same id and bytes.
  const json alone =
      body_of(post_json(client, {{"run", "alpha"}, {"class", "kick"}, {"seed", 12346}}));
  EXPECT_EQ(alone["clips"][0]["id"], first["clips"][1]["id"]);
  const json other =
      body_of(post_json(client, {{"run", "alpha"}, {"class", "kick"}, {"seed", 99}}));
  EXPECT_NE(other["clips"][0]["id"], first["clips"][0]["id"]);
  auto a = client.Get(first["clips"][0]["wav"].get<std::string>());
  auto b = client.Get(other["clips"][0]["wav"].get<std::string>());
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->body, b->body);
}

TEST(ServeApi, MissingSeedPicksARandomOneAndReturnsIt) {
  RunningServer server(make_fake_runs("random"), std::make_shared<FakeSource>());
  auto client = server.client();
  const json first = body_of(post_json(client, {{"run", "alpha"}, {"class", "kick"}}));
  const json second =
      body_of(post_json(client, {{"run", "alpha"}, {"class", "kick"}, {"seed", nullptr}}));
  ASSERT_TRUE(first["seed"].is_number_unsigned());
  EXPECT_NE(first["seed"], second["seed"]);
  const json again =
      body_of(post_json(client, {{"run", "alpha"}, {"class", "kick"}, {"seed", first["seed"]}}));
  EXPECT_EQ(again["clips"][0]["id"], first["clips"][0]["id"]);
}

TEST(ServeApi, BadGenerateRequestsGetJsonErrors) {
  RunningServer server(make_fake_runs("bad"), std::make_shared<FakeSource>());
  auto client = server.client();
  const json good = {{"run", "alpha"}, {"class", "kick"}};
  auto with = [&](const char* key, const json& value) {
    json request = good;
    request[key] = value;
    return post_json(client, request);
  };
  expect_json_error(with("run", "nope"), 404, "unknown run 'nope'");
  expect_json_error(with("class", "cymbal"), 404, "known classes: kick, snare");
  expect_json_error(with("class", 5), 404, "unknown class '5'");
  expect_json_error(with("checkpoint", "epoch_999.pt"), 404, "no checkpoint 'epoch_999.pt'");
  expect_json_error(with("count", 0), 400, "'count'");
  expect_json_error(with("count", 17), 400, "'count'");
  expect_json_error(with("count", "three"), 400, "'count'");
  expect_json_error(with("seed", -1), 400, "'seed'");
  expect_json_error(with("seed", "12a"), 400, "'seed'");
  expect_json_error(with("truncation", -0.5), 400, "'truncation'");
  expect_json_error(with("seconds", 0), 400, "'seconds'");
  expect_json_error(with("colour", "red"), 400, "unknown field 'colour'");
  expect_json_error(post_json(client, {{"class", "kick"}}), 400, "'run'");
  expect_json_error(client.Post("/api/generate", "{\"run\": \"alpha\",", "application/json"), 400,
                    "malformed JSON");
  expect_json_error(client.Post("/api/generate", "[1, 2]", "application/json"), 400, "JSON object");
  // Found by fuzz/generate_request_fuzz.cpp: the parser's message quotes the bad bytes, and an
  // answer with invalid UTF-8 used to throw while being written (a bodiless 500).
  expect_json_error(
      client.Post("/api/generate", "{\"run\": \"\xff\xfe\", \"class\": 1}", "application/json"),
      400, "malformed JSON");
}

TEST(ServeApi, RunNamesThatAreNotUtf8AreListed) {
  const fs::path runs = make_fake_runs("latin1");
  fs::create_directories(runs / "caf\xe9" / "checkpoints");
  std::ofstream(runs / "caf\xe9" / "checkpoints" / "last.pt") << "checkpoint";
  RunningServer server(runs, std::make_shared<FakeSource>());
  auto client = server.client();
  auto res = client.Get("/api/runs");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const json body = json::parse(res->body);
  EXPECT_EQ(body["runs"].size(), 3u) << res->body;
  EXPECT_NE(res->body.find("caf\xef\xbf\xbd"), std::string::npos) << "U+FFFD for the bad byte";
}

TEST(ServeApi, OversizedBodyIsRefused) {
  ServeConfig config;
  config.max_body = 1024;
  RunningServer server(make_fake_runs("oversized"), std::make_shared<FakeSource>(), config);
  auto client = server.client();
  const std::string padding(4096, ' ');
  auto res = client.Post("/api/generate", "{\"run\": \"alpha\", \"class\": \"kick\"}" + padding,
                         "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_TRUE(json::parse(res->body).contains("error")) << res->body;
}

TEST(ServeApi, UnknownRoutesAndClipsGetJsonNotFound) {
  RunningServer server(make_fake_runs("notfound"), std::make_shared<FakeSource>());
  auto client = server.client();
  expect_json_error(client.Get("/api/nothing"), 404, "no such route");
  expect_json_error(client.Get("/api/clips/0123456789abcdef.wav"), 404, "unknown or expired");
  expect_json_error(client.Get("/api/runs/ghost/history"), 404, "unknown run 'ghost'");
}

TEST(ServeApi, PathTraversalIsRefused) {
  const fs::path runs = make_fake_runs("traversal");
  write_file(runs.parent_path() / "secret.png", "SECRET");
  // A symlink inside the run pointing outside it, and a run that is a symlink to outside.
  fs::create_symlink(runs.parent_path() / "secret.png", runs / "alpha" / "plots" / "epoch_009.png");
  fs::create_directories(runs.parent_path() / "outside" / "checkpoints");
  write_file(runs.parent_path() / "outside" / "loss.png", "SECRET");
  fs::create_directory_symlink(runs.parent_path() / "outside", runs / "linked");

  RunningServer server(runs, std::make_shared<FakeSource>());
  auto client = server.client();
  client.set_url_encode(false);
  for (const char* path : {
           "/api/runs/alpha/files/../../secret.png",
           "/api/runs/alpha/files/%2e%2e/%2e%2e/secret.png",
           "/api/runs/alpha/files/..%2f..%2fsecret.png",
           "/api/runs/alpha/files//etc/passwd",
           "/api/runs/alpha/files/%2fetc%2fpasswd",
           "/api/runs/..%2f..%2f/files/secret.png",
           "/api/runs/%2e%2e/files/secret.png",
           "/api/runs/alpha/files/plots/epoch_009.png",
           "/api/runs/linked/files/loss.png",
           "/api/runs/alpha/files/checkpoints/last.pt",
           "/../../etc/passwd",
       }) {
    auto res = client.Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_GE(res->status, 400) << path;
    EXPECT_LT(res->status, 500) << path;
    EXPECT_EQ(res->body.find("SECRET"), std::string::npos) << path;
    EXPECT_EQ(res->body.find("root:"), std::string::npos) << path;
  }
  // The symlinked plot is not offered in the history either.
  const json history = body_of(client.Get("/api/runs/alpha/history"));
  EXPECT_EQ(history["epochs"].size(), 2u);
  const json runs_list = body_of(client.Get("/api/runs"))["runs"];
  for (const auto& run : runs_list) EXPECT_NE(run["name"], "linked");
}

TEST(ServeApi, ConcurrentClientsAllSucceed) {
  auto source = std::make_shared<FakeSource>();
  RunningServer server(make_fake_runs("concurrent"), source);
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&, t] {
      auto client = server.client();
      for (int i = 0; i < 5; ++i) {
        auto res = post_json(
            client, {{"run", "alpha"}, {"class", "kick"}, {"count", 2}, {"seed", t * 100 + i * 2}});
        if (!res || res->status != 200) continue;
        auto wav = client.Get(json::parse(res->body)["clips"][1]["wav"].get<std::string>());
        auto listing = client.Get("/api/runs/alpha/history");
        if (wav && wav->status == 200 && listing && listing->status == 200) ++ok;
      }
    });
  }
  for (auto& thread : clients) thread.join();
  EXPECT_EQ(ok.load(), 40);
  EXPECT_EQ(source->generated.load(), 80);
}

TEST(ServeApi, ServesThePageAndItsAssets) {
  RunningServer server(make_fake_runs("page"), std::make_shared<FakeSource>());
  auto client = server.client();
  auto page = client.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("id=\"generate\""), std::string::npos);
  EXPECT_NE(page->get_header_value("Content-Security-Policy").find("default-src 'self'"),
            std::string::npos);
  for (const char* asset : {"/app.js", "/style.css"}) {
    auto res = client.Get(asset);
    ASSERT_TRUE(res) << asset;
    EXPECT_EQ(res->status, 200) << asset;
    EXPECT_GT(res->body.size(), 500u) << asset;
  }
}

}  // namespace
}  // namespace audiogan::serve::testing
