// Shared by the serve tests: a fake runs directory, a cheap clip source, and a server started
// in-process on a free loopback port.
#pragma once

#include <httplib.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "serve/clip_source.h"
#include "serve/server.h"

namespace audiogan::serve::testing {

// Classes {"kick", "snare"}; each clip is a short tone whose pitch depends on the seed, so equal
// seeds give equal bytes and different seeds different bytes. Counts the clips it generates.
class FakeSource : public ClipSource {
 public:
  std::vector<std::string> classes(const std::string& checkpoint_path) override;
  std::vector<Clip> generate(const std::string& checkpoint_path, int class_index,
                             const std::vector<uint64_t>& seeds, double truncation,
                             double seconds) override;
  // What a request without a truncation gets, as a model would say.
  double default_truncation(const std::string& /*checkpoint_path*/) override { return 0.3; }
  std::atomic<int> generated{0};
};

// A unique empty folder under the test temp dir.
std::filesystem::path fresh_dir(const std::string& name);
void write_file(const std::filesystem::path& path, const std::string& bytes);
// A runs folder with run "alpha" (checkpoints last.pt, epoch_001.pt, epoch_002.pt; plots,
// audio, loss.png, metrics.jsonl, eval/report.json), run "beta" (checkpoint only), a folder
// without checkpoints and a hidden run, none of which are runs.
std::filesystem::path make_fake_runs(const std::string& name);

// Starts a server on 127.0.0.1 with port 0 in a background thread; stops it on destruction.
class RunningServer {
 public:
  RunningServer(const std::filesystem::path& runs, std::shared_ptr<ClipSource> source,
                ServeConfig config = {});
  ~RunningServer();
  httplib::Client client() const;
  int port() const { return port_; }

 private:
  std::unique_ptr<Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace audiogan::serve::testing
