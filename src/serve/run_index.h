// The runs directory as the server sees it: runs (sub-folders with checkpoints/), their
// checkpoints and the files a page may show. Every file the server sends is found by looking its
// name up in a listing of what exists, and kept only when its resolved path (symlinks followed)
// stays inside the runs directory: request text is never joined into a path.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace audiogan::serve {

struct CheckpointInfo {
  std::string name;            // "last.pt", "epoch_003.pt"
  std::filesystem::path path;  // resolved, inside the runs directory
  int epoch = -1;              // parsed from the name; -1 for last.pt and unnumbered names
  long long mtime_ns = 0;      // modification time; a change means a new checkpoint
  long long size = 0;
};

struct EpochAudio {
  std::string class_name;
  std::string file;  // relative name, e.g. "audio/kick_ep3.wav"
};

struct EpochFiles {
  int epoch = 0;
  std::string plot;  // relative name of the spectrogram plot, empty when absent
  std::vector<EpochAudio> audio;
};

struct RunInfo {
  std::string name;
  std::filesystem::path dir;                // resolved
  std::vector<CheckpointInfo> checkpoints;  // last.pt first, then by epoch, newest first
  // Relative name ("loss.png", "plots/epoch_001.png", ...) -> resolved path of a regular file.
  std::map<std::string, std::filesystem::path> files;
  std::vector<EpochFiles> epochs;  // ascending
  bool has_eval_report() const;
  bool has(const std::string& relative) const { return files.count(relative) > 0; }
};

class RunIndex {
 public:
  // Throws IoError when `runs_dir` is not a readable directory.
  explicit RunIndex(const std::filesystem::path& runs_dir);

  const std::filesystem::path& root() const { return root_; }
  // Names of the runs, sorted. Re-lists the directory on every call so new runs appear.
  std::vector<std::string> run_names() const;
  // The run of that exact name, or nullopt (unknown, hidden, or resolving outside the root).
  std::optional<RunInfo> find(const std::string& name) const;
  // True when `path` (after resolving symlinks) is `root()` or below it.
  bool inside(const std::filesystem::path& path) const;

 private:
  std::filesystem::path root_;
};

// The epoch number in a checkpoint or plot name ("epoch_012.pt" -> 12), or -1.
int parse_epoch(const std::string& name);

}  // namespace audiogan::serve
