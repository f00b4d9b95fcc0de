// Training checkpoints: G, D, the EMA of G, both optimizers, the loss scalers, the position in
// training, RNG states, the resolved config, class names, front end and normalisation.
//
// File layout: a 32-byte header (magic "AUDIOGAN-CKPT-01", payload size, FNV-1a 64 checksum of
// the payload) followed by a torch::serialize archive (a zip that torch.jit.load can read once
// the header is stripped). The header lets a truncated or corrupt file be named as such instead
// of surfacing as an obscure zip error. Files are written atomically (temp file, fsync, rename).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <torch/torch.h>

#include "model/gan_models.h"
#include "train/grad_scaler.h"
#include "train/normalisation.h"

namespace audiogan {

// A model spec as checkpoints and generator exports store it. spec_from_json reads files from
// before a key existed with that key's default (no attention); throws nlohmann::json::exception
// when a required key is missing.
nlohmann::json spec_to_json(const ModelSpec& spec);
ModelSpec spec_from_json(const nlohmann::json& json);

struct CheckpointMeta {
  int64_t epoch = 0;           // the epoch in progress (0-based); == epochs done when batch = 0
  int64_t batch_in_epoch = 0;  // batches of `epoch` already trained
  int64_t step = 0;            // optimizer steps in total
  std::string config_toml;     // the resolved Config
  std::vector<std::string> class_names;
  std::string frontend;  // FrontendConfig::to_string() of the data
  Normalisation normalisation;
  ModelSpec spec;
  bool has_ema = false;
  std::string data_root;  // where the training data came from (for --resume)
  std::string cache_dir;
  GradScalerState scaler_g;
  GradScalerState scaler_d;
  // Variable-length models: per class, the sorted lengths (frames) of the training clips, which
  // sampling draws each clip's length from. Empty for fixed-length models.
  std::vector<std::vector<int64_t>> class_frames;

  nlohmann::json to_json() const;
  // Throws DataError naming `origin` when a field is missing or of the wrong type.
  static CheckpointMeta from_json(const nlohmann::json& json, const std::string& origin);
};

// Collects the parts of a checkpoint in memory, then commits them to disk atomically.
class CheckpointWriter {
 public:
  CheckpointWriter();
  ~CheckpointWriter();
  void add_module(const std::string& key, const torch::nn::Module& module);
  void add_optimizer(const std::string& key, const torch::optim::Optimizer& optimizer);
  void add_tensor(const std::string& key, const torch::Tensor& tensor);
  // Writes header + archive to `path` via a temp file in the same folder, fsync and rename, so a
  // crash at any moment leaves either the old or the new file whole. Throws IoError.
  // Serialises once and writes every path in turn (e.g. last.pt and epoch_003.pt).
  void commit(const std::vector<std::string>& paths, const CheckpointMeta& meta);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Opens and verifies a checkpoint; throws IoError (unreadable) or DataError (truncated, corrupt,
// not a checkpoint) naming the path.
class CheckpointReader {
 public:
  explicit CheckpointReader(const std::string& path, torch::Device device = torch::kCPU);
  ~CheckpointReader();
  const CheckpointMeta& meta() const;
  const std::string& path() const;
  bool has(const std::string& key) const;
  // Loads parameters and buffers into `module`; throws DataError when they do not fit.
  void load_module(const std::string& key, torch::nn::Module& module) const;
  void load_optimizer(const std::string& key, torch::optim::Optimizer& optimizer) const;
  torch::Tensor tensor(const std::string& key) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The framing of every audiogan checkpoint file (GAN and vocoder): 16 bytes of magic naming its
// kind, the payload's size and FNV-1a checksum (uint64 little-endian each), then the payload (a
// LibTorch archive). A truncated or damaged file is caught before LibTorch parses it.
std::string framed_file_bytes(const char (&magic)[16], const std::string& payload);
// The verified payload of the framed file at `path`. Throws IoError (unreadable) or DataError
// "<component>: <path> <not_this_kind>" (other magic), or naming truncation or corruption.
std::string read_framed_file(const std::string& path, const char (&magic)[16],
                             const std::string& component, const std::string& not_this_kind);

// True when the file starts with the checkpoint magic (an export file does not).
bool is_checkpoint_file(const std::string& path);

// Writes `bytes` to `path` atomically (temp file "<path>.tmp.<pid>" in the same folder, fsync,
// rename, fsync of the folder), so a crash at any moment leaves either the old or the new file
// whole. Throws IoError naming the path and the system's reason (a full disk, a file-size limit);
// the temp file is then removed and `path` keeps its previous content. Temp files that a killed
// process left behind (their pid no longer runs) for `path` or a sibling with the same extension
// (e.g. epoch_003.pt.tmp.<pid> beside last.pt) are removed first.
void write_file_atomically(const std::string& path, const std::string& bytes);

}  // namespace audiogan
