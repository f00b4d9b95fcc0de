// Vocoder checkpoints (see vocoder_checkpoint.h).
#include "vocoder/vocoder_checkpoint.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "core/error.h"
#include "train/checkpoint.h"

namespace audiogan {
namespace {

constexpr char kMagic[16] = {'A', 'U', 'D', 'I', 'O', 'G', 'A', 'N',
                             '-', 'V', 'O', 'C', '-', 'v', '0', '1'};

}  // namespace

nlohmann::json VocoderCheckpointMeta::to_json() const {
  return {{"format", "audiogan-vocoder"},
          {"version", 1},
          {"arch", config.vocoder.arch},
          {"step", step},
          {"epoch", epoch},
          {"seconds", seconds},
          {"frontend", config.frontend.to_string()},
          {"config_toml", config.to_toml()},
          {"data_root", data_root}};
}

VocoderCheckpointMeta VocoderCheckpointMeta::from_json(const nlohmann::json& j,
                                                       const std::string& origin) {
  try {
    VocoderCheckpointMeta m;
    m.step = j.at("step").get<int64_t>();
    m.epoch = j.at("epoch").get<int64_t>();
    m.seconds = j.value("seconds", 0.0);
    m.config = VocoderRunConfig::from_toml_string(j.at("config_toml").get<std::string>(),
                                                  origin + " (metadata)");
    m.data_root = j.value("data_root", std::string());
    return m;
  } catch (const nlohmann::json::exception& error) {
    throw DataError("vocoder: " + origin + ": metadata is incomplete: " + error.what());
  }
}

void save_vocoder_checkpoint(const std::vector<std::string>& paths, const VocoderModel& model,
                             const torch::optim::Optimizer* optimizer,
                             const VocoderCheckpointMeta& meta, const VocoderAdversary* adversary) {
  torch::serialize::OutputArchive archive;
  torch::serialize::OutputArchive model_archive;
  model->save(model_archive);
  archive.write("model", model_archive);
  if (optimizer) {
    torch::serialize::OutputArchive optimizer_archive;
    optimizer->save(optimizer_archive);
    archive.write("optimizer", optimizer_archive);
  }
  if (adversary) {
    torch::serialize::OutputArchive discriminator_archive, optimizer_archive;
    adversary->discriminator->save(discriminator_archive);
    archive.write("discriminator", discriminator_archive);
    adversary->optimizer->save(optimizer_archive);
    archive.write("optimizer_d", optimizer_archive);
  }
  archive.write("metadata", c10::IValue(meta.to_json().dump()));
  std::ostringstream payload_stream;
  archive.save_to(payload_stream);
  const std::string bytes = framed_file_bytes(kMagic, payload_stream.str());
  for (const auto& path : paths) write_file_atomically(path, bytes);
}

std::string resolve_vocoder_path(const std::string& dir_or_file) {
  if (std::filesystem::is_directory(dir_or_file)) return dir_or_file + "/checkpoints/last.pt";
  return dir_or_file;
}

bool is_vocoder_checkpoint_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char head[sizeof(kMagic)] = {};
  in.read(head, sizeof(head));
  return in.gcount() == static_cast<std::streamsize>(sizeof(kMagic)) &&
         std::memcmp(head, kMagic, sizeof(kMagic)) == 0;
}

struct VocoderCheckpointReader::State {
  std::string path;
  torch::Device device = torch::kCPU;
  VocoderCheckpointMeta meta;
  torch::serialize::InputArchive archive;
  bool has_optimizer = false, has_adversary = false;

  void read(const std::string& key, const std::string& what,
            const std::function<void(torch::serialize::InputArchive&)>& load) {
    try {
      torch::serialize::InputArchive sub;
      archive.read(key, sub);
      load(sub);
    } catch (const c10::Error& error) {
      throw DataError("vocoder: " + path + ": " + what + ": " + error.what_without_backtrace());
    }
  }
};

VocoderCheckpointReader::VocoderCheckpointReader(const std::string& dir_or_file,
                                                 torch::Device device)
    : state_(std::make_unique<State>()) {
  const std::string path = resolve_vocoder_path(dir_or_file);
  state_->path = path;
  state_->device = device;
  const std::string payload = read_framed_file(
      path, kMagic, "vocoder",
      "is not an audiogan vocoder checkpoint (no AUDIOGAN-VOC header); expected a file written "
      "by 'audiogan train-vocoder', e.g. VOC_DIR/checkpoints/last.pt");
  try {
    state_->archive.load_from(payload.data(), payload.size(), device);
    c10::IValue metadata;
    state_->archive.read("metadata", metadata);
    state_->meta =
        VocoderCheckpointMeta::from_json(nlohmann::json::parse(metadata.toStringRef()), path);
    for (const auto& key : state_->archive.keys()) {
      state_->has_optimizer = state_->has_optimizer || key == "optimizer";
      state_->has_adversary = state_->has_adversary || key == "discriminator";
    }
  } catch (const c10::Error& error) {
    throw DataError("vocoder: " + path + " cannot be read: " + error.what_without_backtrace());
  } catch (const nlohmann::json::exception& error) {
    throw DataError("vocoder: " + path + " has unreadable metadata: " + error.what());
  }
}

VocoderCheckpointReader::~VocoderCheckpointReader() = default;

const VocoderCheckpointMeta& VocoderCheckpointReader::meta() const {
  return state_->meta;
}

const std::string& VocoderCheckpointReader::path() const {
  return state_->path;
}

void VocoderCheckpointReader::load_model_into(VocoderModel& model) const {
  state_->read("model", "the weights do not fit the model its config describes",
               [&](torch::serialize::InputArchive& sub) { model->load(sub); });
}

VocoderModel VocoderCheckpointReader::load_model() const {
  const auto& config = state_->meta.config;
  VocoderModel model = make_vocoder_model(config.vocoder, config.frontend);
  model->to(state_->device);
  load_model_into(model);
  model->eval();
  return model;
}

void VocoderCheckpointReader::load_optimizer(torch::optim::Optimizer& optimizer) const {
  if (!state_->has_optimizer) {
    throw DataError("vocoder: " + state_->path + " holds no optimizer state to resume from");
  }
  state_->read("optimizer", "the optimizer state cannot be restored",
               [&](torch::serialize::InputArchive& sub) { optimizer.load(sub); });
}

bool VocoderCheckpointReader::has_adversary() const {
  return state_->has_adversary;
}

void VocoderCheckpointReader::load_adversary(torch::nn::Module& discriminator,
                                             torch::optim::Optimizer& optimizer) const {
  if (!state_->has_adversary) {
    throw DataError("vocoder: " + state_->path +
                    " holds no discriminator to resume the adversarial training from");
  }
  state_->read("discriminator", "the discriminator's weights cannot be restored",
               [&](torch::serialize::InputArchive& sub) { discriminator.load(sub); });
  state_->read("optimizer_d", "the discriminator's optimizer state cannot be restored",
               [&](torch::serialize::InputArchive& sub) { optimizer.load(sub); });
}

LoadedVocoder load_vocoder_for(const std::string& dir_or_file, const FrontendConfig& data_frontend,
                               torch::Device device) {
  VocoderCheckpointReader reader(dir_or_file, device);
  check_frontend_match(reader.meta().config.frontend, data_frontend, reader.path());
  LoadedVocoder loaded;
  loaded.model = reader.load_model();
  loaded.frontend = reader.meta().config.frontend;
  loaded.path = reader.path();
  return loaded;
}

torch::Tensor vocode(const LoadedVocoder& vocoder, const torch::Tensor& log_mel) {
  torch::NoGradGuard no_grad;
  const bool batched = log_mel.dim() == 3;
  torch::Tensor input = batched ? log_mel : log_mel.unsqueeze(0);  // [B, n_mels, F]
  const auto device = vocoder.model->parameters().front().device();
  torch::Tensor audio = vocoder.model->forward(input.to(device), vocoder.frontend);  // [B, F*hop]
  return batched ? audio : audio.squeeze(0);
}

dsp::MelVocoder as_mel_vocoder(const LoadedVocoder& vocoder) {
  return [vocoder](const torch::Tensor& log_mel, uint64_t /*seed*/) {
    return vocode(vocoder, log_mel.to(torch::kFloat32).clamp_min(0.0)).to(torch::kCPU);
  };
}

}  // namespace audiogan
