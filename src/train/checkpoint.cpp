// Checkpoint files (see checkpoint.h).
#include "train/checkpoint.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/hash.h"

namespace audiogan {
namespace {

constexpr char kMagic[16] = {'A', 'U', 'D', 'I', 'O', 'G', 'A', 'N',
                             '-', 'C', 'K', 'P', 'T', '-', '0', '1'};
constexpr size_t kHeaderSize = 32;  // magic, uint64 payload size, uint64 checksum

void put_u64(std::string& out, uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

uint64_t get_u64(const char* in) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value |= uint64_t(static_cast<unsigned char>(in[i])) << (8 * i);
  return value;
}

std::string system_reason() {
  return std::strerror(errno);
}

nlohmann::json scaler_json(const GradScalerState& s) {
  return {{"scale", s.scale}, {"growth_tracker", s.growth_tracker}};
}

GradScalerState scaler_from(const nlohmann::json& j) {
  GradScalerState s;
  s.scale = j.at("scale").get<double>();
  s.growth_tracker = j.at("growth_tracker").get<int64_t>();
  return s;
}

// Removes the temp files "<name>.tmp.<pid>" in `folder` that a writer killed mid-write left
// behind, for `target`'s name and its siblings of the same extension (a crash while writing
// epoch_003.pt is cleaned up by the next last.pt): those of a process that no longer exists.
// This process's own and a live writer's are kept, so only files nothing will rename go.
void remove_stale_temp_files(const std::filesystem::path& folder,
                             const std::filesystem::path& target) {
  namespace fs = std::filesystem;
  const std::string marker = ".tmp.";
  std::error_code ec;
  fs::directory_iterator it(folder, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string file = it->path().filename().string();
    const size_t at = file.rfind(marker);
    if (at == std::string::npos || at == 0) continue;
    const fs::path base = file.substr(0, at);
    const bool sibling = base == target.filename() ||
                         (target.has_extension() && base.extension() == target.extension());
    const std::string digits = file.substr(at + marker.size());
    if (!sibling || digits.empty() || digits.size() > 9 ||
        digits.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    const auto pid = static_cast<pid_t>(std::strtol(digits.c_str(), nullptr, 10));
    if (pid <= 0 || pid == ::getpid()) continue;
    // ESRCH alone proves the writer is gone; EPERM means it runs under another user.
    if (::kill(pid, 0) == 0 || errno != ESRCH) continue;
    std::error_code remove_error;
    fs::remove(it->path(), remove_error);
  }
}

}  // namespace

std::string framed_file_bytes(const char (&magic)[16], const std::string& payload) {
  std::string bytes(magic, sizeof(magic));
  put_u64(bytes, payload.size());
  put_u64(bytes, fnv1a64(payload.data(), payload.size()));
  return bytes + payload;
}

std::string read_framed_file(const std::string& path, const char (&magic)[16],
                             const std::string& component, const std::string& not_this_kind) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(component + ": cannot read " + path + ": " + system_reason());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string bytes = buffer.str();
  if (bytes.size() < kHeaderSize || std::memcmp(bytes.data(), magic, sizeof(magic)) != 0) {
    throw DataError(component + ": " + path + " " + not_this_kind);
  }
  const uint64_t size = get_u64(bytes.data() + 16);
  const uint64_t checksum = get_u64(bytes.data() + 24);
  const uint64_t have = bytes.size() - kHeaderSize;
  if (have != size) {
    throw DataError(component + ": " + path + " is truncated or damaged: the header announces " +
                    std::to_string(size) + " bytes of data, the file holds " +
                    std::to_string(have));
  }
  if (fnv1a64(bytes.data() + kHeaderSize, have) != checksum) {
    throw DataError(component + ": " + path + " is corrupt: its checksum does not match its data");
  }
  return bytes.substr(kHeaderSize);
}

void write_file_atomically(const std::string& path, const std::string& bytes) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(folder, ec);
  remove_stale_temp_files(folder, target);
  const std::string temp = path + ".tmp." + std::to_string(::getpid());
  // On failure the temp file goes and `path` keeps its previous content (when it had one).
  auto fail = [&](const std::string& what, const std::string& reason) {
    ::unlink(temp.c_str());
    return IoError("cannot " + what + " " + path + ": " + reason +
                   " (the previous file, if any, is unchanged)");
  };
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw fail("write", "cannot create " + temp + ": " + system_reason());
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string reason = system_reason();
      ::close(fd);
      throw fail("write", reason);
    }
    written += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  const std::string sync_reason = synced ? "" : system_reason();
  if (::close(fd) != 0 || !synced) throw fail("flush", synced ? system_reason() : sync_reason);
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    throw fail("rename " + temp + " to", system_reason());
  }
  // The rename itself is durable only once the folder's entry is on disk.
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

nlohmann::json spec_to_json(const ModelSpec& spec) {
  return {{"arch", spec.arch},
          {"num_classes", spec.num_classes},
          {"latent", spec.latent},
          {"width", spec.width},
          {"n_mels", spec.n_mels},
          {"frames", spec.frames},
          {"attention", spec.attention},
          {"variable_length", spec.variable_length},
          {"length_buckets", spec.length_buckets},
          {"spectral_norm", spec.spectral_norm}};
}

ModelSpec spec_from_json(const nlohmann::json& s) {
  ModelSpec spec;
  spec.arch = s.at("arch").get<std::string>();
  spec.num_classes = s.at("num_classes").get<int>();
  spec.latent = s.at("latent").get<int>();
  spec.width = s.at("width").get<int>();
  spec.n_mels = s.at("n_mels").get<int>();
  spec.frames = s.at("frames").get<int>();
  // Files from before --attention have no such key: no attention.
  spec.attention = s.value("attention", std::vector<int>());
  spec.variable_length = s.value("variable_length", false);
  // Variable-length files from before per-bucket statistics: one set.
  spec.length_buckets = s.value("length_buckets", std::vector<int>());
  // Files from before --spectral-norm: the default D always had it.
  spec.spectral_norm = s.value("spectral_norm", true);
  return spec;
}

nlohmann::json CheckpointMeta::to_json() const {
  return {{"format", "audiogan-checkpoint"},
          {"version", 1},
          {"epoch", epoch},
          {"batch_in_epoch", batch_in_epoch},
          {"step", step},
          {"config_toml", config_toml},
          {"class_names", class_names},
          {"frontend", frontend},
          {"normalisation", {{"low", normalisation.low}, {"high", normalisation.high}}},
          {"spec", spec_to_json(spec)},
          {"has_ema", has_ema},
          {"data_root", data_root},
          {"cache_dir", cache_dir},
          {"scaler_g", scaler_json(scaler_g)},
          {"scaler_d", scaler_json(scaler_d)},
          {"class_frames", class_frames}};
}

CheckpointMeta CheckpointMeta::from_json(const nlohmann::json& j, const std::string& origin) {
  try {
    CheckpointMeta m;
    m.epoch = j.at("epoch").get<int64_t>();
    m.batch_in_epoch = j.at("batch_in_epoch").get<int64_t>();
    m.step = j.at("step").get<int64_t>();
    m.config_toml = j.at("config_toml").get<std::string>();
    m.class_names = j.at("class_names").get<std::vector<std::string>>();
    m.frontend = j.at("frontend").get<std::string>();
    m.normalisation.low = j.at("normalisation").at("low").get<double>();
    m.normalisation.high = j.at("normalisation").at("high").get<double>();
    m.spec = spec_from_json(j.at("spec"));
    m.has_ema = j.value("has_ema", false);
    m.data_root = j.value("data_root", std::string());
    m.cache_dir = j.value("cache_dir", std::string());
    if (j.contains("scaler_g")) m.scaler_g = scaler_from(j.at("scaler_g"));
    if (j.contains("scaler_d")) m.scaler_d = scaler_from(j.at("scaler_d"));
    m.class_frames = j.value("class_frames", std::vector<std::vector<int64_t>>());
    return m;
  } catch (const nlohmann::json::exception& error) {
    throw DataError("checkpoint: " + origin + ": metadata is incomplete: " + error.what());
  }
}

struct CheckpointWriter::State {
  torch::serialize::OutputArchive archive;
};

CheckpointWriter::CheckpointWriter() : state_(std::make_unique<State>()) {}
CheckpointWriter::~CheckpointWriter() = default;

void CheckpointWriter::add_module(const std::string& key, const torch::nn::Module& module) {
  torch::serialize::OutputArchive sub;
  module.save(sub);
  state_->archive.write(key, sub);
}

void CheckpointWriter::add_optimizer(const std::string& key,
                                     const torch::optim::Optimizer& optimizer) {
  torch::serialize::OutputArchive sub;
  optimizer.save(sub);
  state_->archive.write(key, sub);
}

void CheckpointWriter::add_tensor(const std::string& key, const torch::Tensor& tensor) {
  state_->archive.write(key, tensor.detach().cpu(), /*is_buffer=*/true);
}

void CheckpointWriter::commit(const std::vector<std::string>& paths, const CheckpointMeta& meta) {
  state_->archive.write("metadata", c10::IValue(meta.to_json().dump()));
  std::ostringstream payload_stream;
  state_->archive.save_to(payload_stream);
  const std::string bytes = framed_file_bytes(kMagic, payload_stream.str());
  for (const auto& path : paths) write_file_atomically(path, bytes);
}

struct CheckpointReader::State {
  std::string path;
  CheckpointMeta meta;
  torch::serialize::InputArchive archive;
};

CheckpointReader::CheckpointReader(const std::string& path, torch::Device device)
    : state_(std::make_unique<State>()) {
  state_->path = path;
  const std::string payload =
      read_framed_file(path, kMagic, "checkpoint",
                       "is not an audiogan checkpoint (no AUDIOGAN-CKPT header); expected a file "
                       "written by 'audiogan train', e.g. RUN_DIR/checkpoints/last.pt");
  try {
    state_->archive.load_from(payload.data(), payload.size(), device);
    c10::IValue metadata;
    state_->archive.read("metadata", metadata);
    state_->meta = CheckpointMeta::from_json(nlohmann::json::parse(metadata.toStringRef()), path);
  } catch (const c10::Error& error) {
    throw DataError("checkpoint: " + path + " cannot be read: " + error.what_without_backtrace());
  } catch (const nlohmann::json::exception& error) {
    throw DataError("checkpoint: " + path + " has unreadable metadata: " + error.what());
  }
}

CheckpointReader::~CheckpointReader() = default;

const CheckpointMeta& CheckpointReader::meta() const {
  return state_->meta;
}
const std::string& CheckpointReader::path() const {
  return state_->path;
}

bool CheckpointReader::has(const std::string& key) const {
  for (const auto& k : state_->archive.keys()) {
    if (k == key) return true;
  }
  return false;
}

void CheckpointReader::load_module(const std::string& key, torch::nn::Module& module) const {
  try {
    torch::serialize::InputArchive sub;
    state_->archive.read(key, sub);
    module.load(sub);
  } catch (const c10::Error& error) {
    throw DataError("checkpoint: " + state_->path + ": '" + key +
                    "' does not fit the model: " + error.what_without_backtrace());
  }
}

void CheckpointReader::load_optimizer(const std::string& key,
                                      torch::optim::Optimizer& optimizer) const {
  try {
    torch::serialize::InputArchive sub;
    state_->archive.read(key, sub);
    optimizer.load(sub);
  } catch (const c10::Error& error) {
    throw DataError("checkpoint: " + state_->path + ": optimizer '" + key +
                    "' cannot be restored: " + error.what_without_backtrace());
  }
}

torch::Tensor CheckpointReader::tensor(const std::string& key) const {
  torch::Tensor value;
  try {
    state_->archive.read(key, value, /*is_buffer=*/true);
  } catch (const c10::Error& error) {
    throw DataError("checkpoint: " + state_->path + ": missing '" + key +
                    "': " + error.what_without_backtrace());
  }
  return value;
}

bool is_checkpoint_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char head[sizeof(kMagic)] = {};
  in.read(head, sizeof(head));
  return in.gcount() == static_cast<std::streamsize>(sizeof(kMagic)) &&
         std::memcmp(head, kMagic, sizeof(kMagic)) == 0;
}

}  // namespace audiogan
