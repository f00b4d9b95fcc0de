// Vocoder checkpoints: the model, optionally its optimizer, and metadata naming the front end it
// was trained for (FrontendConfig::to_string() and the resolved config's TOML), so loading it
// for data with another sample rate, hop or mel count is a clear error.
//
// File layout as train/checkpoint.h (32-byte header: magic, payload size, FNV-1a 64 checksum;
// then a torch::serialize archive), with its own magic "AUDIOGAN-VOC-v01" so a GAN checkpoint
// and a vocoder checkpoint are never mistaken for each other. Written atomically with
// train/checkpoint.h's write_file_atomically.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <torch/torch.h>

#include "dsp/vocoder.h"
#include "vocoder/frame_vocoder.h"
#include "vocoder/vocoder_config.h"
#include "vocoder/vocoder_model.h"

namespace audiogan {

struct VocoderCheckpointMeta {
  int64_t step = 0;         // optimizer steps in total
  int64_t epoch = 0;        // completed epochs
  VocoderRunConfig config;  // resolved; config.frontend is the front end trained for
  std::string data_root;
  double seconds = 0;  // training wall time so far (for the time budget across resumes)

  nlohmann::json to_json() const;
  // Throws DataError naming `origin` when a field is missing or unreadable.
  static VocoderCheckpointMeta from_json(const nlohmann::json& json, const std::string& origin);
};

// The discriminator side of an adversarially trained vocoder, saved beside the model under
// "discriminator" and "optimizer_d".
struct VocoderAdversary {
  std::shared_ptr<torch::nn::Module> discriminator;
  const torch::optim::Optimizer* optimizer = nullptr;
};

// Writes model (and optimizer, and the adversary, when given) with `meta` to every path,
// atomically. Throws IoError.
void save_vocoder_checkpoint(const std::vector<std::string>& paths, const VocoderModel& model,
                             const torch::optim::Optimizer* optimizer,
                             const VocoderCheckpointMeta& meta,
                             const VocoderAdversary* adversary = nullptr);

// VOC_DIR -> VOC_DIR/checkpoints/last.pt; a file path is returned as it is.
std::string resolve_vocoder_path(const std::string& dir_or_file);

// True when the file starts with the vocoder checkpoint magic.
bool is_vocoder_checkpoint_file(const std::string& path);

class VocoderCheckpointReader {
 public:
  // Opens and verifies `dir_or_file`; throws IoError (unreadable) or DataError (truncated,
  // corrupt, not a vocoder checkpoint) naming the path.
  explicit VocoderCheckpointReader(const std::string& dir_or_file,
                                   torch::Device device = torch::kCPU);
  ~VocoderCheckpointReader();
  const VocoderCheckpointMeta& meta() const;
  const std::string& path() const;
  // A model built from the checkpoint's config with its weights loaded, in eval mode.
  VocoderModel load_model() const;
  void load_model_into(VocoderModel& model) const;
  // Throws DataError when the checkpoint has no optimizer state.
  void load_optimizer(torch::optim::Optimizer& optimizer) const;
  // Whether it holds a discriminator (an adversarially trained run's).
  bool has_adversary() const;
  // Throws DataError when the checkpoint has no discriminator (or its optimizer) state.
  void load_adversary(torch::nn::Module& discriminator, torch::optim::Optimizer& optimizer) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// A trained vocoder ready to use on log-mels of `data_frontend`: loads `dir_or_file` and
// throws DataError naming both values of every front-end setting that differs.
struct LoadedVocoder {
  VocoderModel model;
  FrontendConfig frontend;
  std::string path;
};
LoadedVocoder load_vocoder_for(const std::string& dir_or_file, const FrontendConfig& data_frontend,
                               torch::Device device = torch::kCPU);

// log1p mel [n_mels, F] or [B, n_mels, F] -> waveform [F * hop] or [B, F * hop], without
// gradients (inference), on the model's device.
torch::Tensor vocode(const LoadedVocoder& vocoder, const torch::Tensor& log_mel);

// The vocoder as a dsp::MelVocoder (the seed is unused: it is deterministic). Negative log-mel
// values, which generators can make and log1p of a power never is, are clipped to 0 first, as
// Griffin-Lim's path does.
dsp::MelVocoder as_mel_vocoder(const LoadedVocoder& vocoder);

}  // namespace audiogan
