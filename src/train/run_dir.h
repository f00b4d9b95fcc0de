// The run directory's layout, in one place:
//   RUN_DIR/config.toml            resolved config
//   RUN_DIR/metrics.jsonl          one JSON line per epoch
//   RUN_DIR/loss.png               loss curves so far
//   RUN_DIR/plots/epoch_XXX.png    one generated log-mel per class (fixed latents)
//   RUN_DIR/audio/<class>_epX.wav  one generated clip per class
//   RUN_DIR/checkpoints/last.pt    the newest checkpoint; epoch_XXX.pt the last K epochs
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace audiogan {

struct RunDir {
  std::string root;

  std::string config() const { return root + "/config.toml"; }
  std::string metrics() const { return root + "/metrics.jsonl"; }
  std::string loss_plot() const { return root + "/loss.png"; }
  std::string plots() const { return root + "/plots"; }
  std::string audio() const { return root + "/audio"; }
  std::string checkpoints() const { return root + "/checkpoints"; }
  std::string last_checkpoint() const { return checkpoints() + "/last.pt"; }
  // epoch is 1-based: the first epoch's files are epoch_001.*, <class>_ep1.wav.
  std::string plot(int64_t epoch) const;
  std::string audio_clip(const std::string& class_name, int64_t epoch) const;
  std::string epoch_checkpoint(int64_t epoch) const;

  // Creates the folders; throws IoError naming the one that failed.
  void create() const;
  // The first of config.toml, metrics.jsonl and checkpoints/ that exists, or "" when the folder
  // holds no run (`train --out` refuses a folder that does, unless --resume or --force).
  std::string existing_run_file() const;
  // Removes what this layout names (config, metrics, loss plot, plots/, audio/, checkpoints/)
  // and nothing else, so `train --force` starts over without mixing two runs' metrics.
  // Throws IoError naming what could not be removed.
  void remove_run_files() const;
};

// Appends one JSON object as one line and flushes (a crash loses at most the line being written).
void append_json_line(const std::string& path, const nlohmann::json& line);
// Every line of a JSON-lines file; a missing file gives none; a broken last line (a crash while
// writing it) is skipped.
std::vector<nlohmann::json> read_json_lines(const std::string& path);
// Keeps only the `keep` newest epoch_XXX.pt in the checkpoints folder.
void prune_epoch_checkpoints(const RunDir& run, int keep);
// A class name made safe as a file name (anything but [A-Za-z0-9._-] becomes '_').
std::string file_safe(const std::string& name);

}  // namespace audiogan
