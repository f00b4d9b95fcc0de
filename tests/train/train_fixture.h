// A tiny real dataset for training tests: a few hydrogen drum hits per class copied into a temp
// class-folder dataset, and a config small enough that a step takes milliseconds.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "core/config.h"
#include "train/trainer.h"

namespace audiogan::train_testing {

namespace fs = std::filesystem;

// Debian's hydrogen-drumkits; CMake passes the path (AUDIOGAN_DRUMKITS_DIR).
inline const char* kDrumkits = AUDIOGAN_DRUMKITS;

class TinyRun {
 public:
  TinyRun() {
    std::random_device device;
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ =
        fs::temp_directory_path() / ("audiogan-train-" + std::string(info ? info->name() : "x") +
                                     "-" + std::to_string(device()));
    fs::create_directories(root_);
  }
  ~TinyRun() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  TinyRun(const TinyRun&) = delete;
  TinyRun& operator=(const TinyRun&) = delete;

  // Copies up to `per_class` samples whose names start with each prefix into data/<class>/.
  // Returns false when the drum kits are not installed; a test then fails with
  // missing_data_message() rather than skipping, so a machine without them is not green.
  bool make_dataset(int per_class = 4) {
    const std::vector<std::pair<std::string, std::vector<std::string>>> classes = {
        {"kick", {"bd", "kick", "Kick"}}, {"snare", {"snare", "Snare", "sn"}}};
    if (!fs::exists(kDrumkits)) return false;
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(kDrumkits)) {
      if (entry.is_regular_file() && entry.path().extension() == ".flac") {
        files.push_back(entry.path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const auto& [name, prefixes] : classes) {
      fs::create_directories(data() + "/" + name);
      int copied = 0;
      for (const auto& file : files) {
        if (copied >= per_class) break;
        const auto stem = file.filename().string();
        bool match = false;
        for (const auto& prefix : prefixes) match = match || stem.rfind(prefix, 0) == 0;
        if (!match) continue;
        fs::copy_file(file, data() + "/" + name + "/" + std::to_string(copied) + ".flac");
        ++copied;
      }
      if (copied < 2) return false;
    }
    return true;
  }

  static std::string missing_data_message() {
    return std::string("this test trains on real drum hits from ") + kDrumkits +
           ", which is missing or holds fewer than 2 kick and 2 snare .flac files: install "
           "hydrogen-drumkits (scripts/install-deps.sh), or configure with "
           "-DAUDIOGAN_DRUMKITS_DIR=<drumkits folder>";
  }

  std::string data() const { return (root_ / "data").string(); }
  std::string cache() const { return (root_ / "cache").string(); }
  std::string run(const std::string& name = "run") const { return (root_ / name).string(); }
  const fs::path& root() const { return root_; }

  // 32 mels x 32 frames, width 2, batch 4: a step is milliseconds on one core.
  static Config small_config(const std::string& arch = "seed") {
    Config config;
    config.frontend.sample_rate = 16000;
    config.frontend.n_fft = 512;
    config.frontend.win_length = 512;
    config.frontend.hop_length = 256;
    config.frontend.n_mels = 32;
    config.frontend.frames = 32;
    config.train.arch = arch;
    config.train.batch = 4;
    config.train.width = 2;
    config.train.latent = 8;
    config.train.epochs = 2;
    config.train.amp = "off";
    config.train.device = "cpu";
    config.train.threads = 1;
    config.train.seed = 7;
    return config;
  }

 private:
  fs::path root_;
};

// A 2-step --arch default run of `tiny`'s dataset (make_dataset first) in ROOT/runs/tiny, what
// the serve and CLI tests sample from; returns its checkpoint.
inline std::string train_tiny_run(TinyRun& tiny) {
  TrainerOptions options;
  options.config = TinyRun::small_config("default");
  options.config.train.max_steps = 2;
  options.data_root = tiny.data();
  options.cache_dir = tiny.cache();
  options.run_dir = (tiny.root() / "runs" / "tiny").string();
  options.monitor_per_class = 2;
  options.griffin_lim_iterations = 2;
  return train(options).checkpoint;
}

}  // namespace audiogan::train_testing
