// Test helpers for the serve tests.
#include "serve_fixture.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <fstream>

#include "serve/wav_bytes.h"

namespace fs = std::filesystem;

namespace audiogan::serve::testing {

std::vector<std::string> FakeSource::classes(const std::string&) {
  return {"kick", "snare"};
}

std::vector<Clip> FakeSource::generate(const std::string&, int class_index,
                                       const std::vector<uint64_t>& seeds, double truncation,
                                       double seconds) {
  std::vector<Clip> clips;
  for (uint64_t seed : seeds) {
    const int rate = 8000;
    // As a variable-length model does: the asked length, else 0.1 s.
    const double duration = seconds > 0 ? seconds : 0.1;
    std::vector<float> samples(static_cast<size_t>(duration * rate));
    const double hz = 100.0 + static_cast<double>(seed % 1000) + 50.0 * class_index + truncation;
    for (size_t i = 0; i < samples.size(); ++i)
      samples[i] = static_cast<float>(0.5 * std::sin(2 * M_PI * hz * i / rate));
    Clip clip;
    clip.wav = encode_wav_pcm16(samples, rate);
    clip.png = std::string("\x89PNG\r\n\x1a\n", 8) + "fake:" + std::to_string(seed);
    clip.duration_s = duration;
    clips.push_back(std::move(clip));
    ++generated;
  }
  return clips;
}

fs::path fresh_dir(const std::string& name) {
  static std::atomic<int> counter{0};
  const fs::path dir = fs::path(::testing::TempDir()) /
                       ("audiogan_serve_" + name + "_" + std::to_string(::getpid()) + "_" +
                        std::to_string(counter++));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write_file(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

fs::path make_fake_runs(const std::string& name) {
  const fs::path runs = fresh_dir(name) / "runs";
  const fs::path alpha = runs / "alpha";
  for (const char* checkpoint : {"last.pt", "epoch_001.pt", "epoch_002.pt"})
    write_file(alpha / "checkpoints" / checkpoint, "checkpoint");
  write_file(alpha / "plots" / "epoch_001.png", "plot-1");
  write_file(alpha / "plots" / "epoch_002.png", "plot-2");
  write_file(alpha / "audio" / "kick_ep1.wav", "kick-1");
  write_file(alpha / "audio" / "snare_ep1.wav", "snare-1");
  write_file(alpha / "audio" / "kick_ep2.wav", "kick-2");
  write_file(alpha / "loss.png", "loss");
  write_file(alpha / "config.toml", "[train]\n");
  write_file(
      alpha / "metrics.jsonl",
      "{\"epoch\": 1, \"loss_d\": 1.5}\n{\"epoch\": 2, \"loss_d\": 1.2}\n{\"epoch\": 3, \"lo");
  write_file(alpha / "eval" / "report.json", "{\"fad\": 3.5}");
  write_file(runs / "beta" / "checkpoints" / "last.pt", "checkpoint");
  write_file(runs / "not-a-run" / "notes.txt", "no checkpoints here");
  write_file(runs / ".hidden" / "checkpoints" / "last.pt", "checkpoint");
  return runs;
}

RunningServer::RunningServer(const fs::path& runs, std::shared_ptr<ClipSource> source,
                             ServeConfig config) {
  config.host = "127.0.0.1";
  config.port = 0;
  server_ = std::make_unique<Server>(config, runs.string(), std::move(source));
  port_ = server_->bind();
  thread_ = std::thread([this] { server_->listen(); });
  // Wait until the server answers, so tests never race its start.
  httplib::Client probe("127.0.0.1", port_);
  for (int i = 0; i < 200; ++i) {
    if (auto res = probe.Get("/health"); res && res->status == 200) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << "server on port " << port_ << " did not answer /health";
}

RunningServer::~RunningServer() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

httplib::Client RunningServer::client() const {
  httplib::Client client("127.0.0.1", port_);
  client.set_read_timeout(std::chrono::seconds(120));
  return client;
}

}  // namespace audiogan::serve::testing
