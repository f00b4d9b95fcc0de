// Run directory layout and the metrics log (see run_dir.h).
#include "train/run_dir.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/error.h"

namespace audiogan {
namespace fs = std::filesystem;

std::string RunDir::plot(int64_t epoch) const {
  char name[32];
  std::snprintf(name, sizeof(name), "/epoch_%03lld.png", static_cast<long long>(epoch));
  return plots() + name;
}

std::string RunDir::audio_clip(const std::string& class_name, int64_t epoch) const {
  return audio() + "/" + file_safe(class_name) + "_ep" + std::to_string(epoch) + ".wav";
}

std::string RunDir::epoch_checkpoint(int64_t epoch) const {
  char name[32];
  std::snprintf(name, sizeof(name), "/epoch_%03lld.pt", static_cast<long long>(epoch));
  return checkpoints() + name;
}

void RunDir::create() const {
  for (const auto& folder : {root, plots(), audio(), checkpoints()}) {
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec || !fs::is_directory(folder)) {
      throw IoError("train: cannot create the run folder " + folder + ": " + ec.message());
    }
  }
}

std::string RunDir::existing_run_file() const {
  for (const auto& path : {config(), metrics(), checkpoints()}) {
    std::error_code ec;
    if (fs::exists(path, ec)) return path;
  }
  return "";
}

void RunDir::remove_run_files() const {
  for (const auto& path : {config(), metrics(), loss_plot(), plots(), audio(), checkpoints()}) {
    std::error_code ec;
    fs::remove_all(path, ec);
    if (ec) throw IoError("train: cannot remove " + path + ": " + ec.message());
  }
}

void append_json_line(const std::string& path, const nlohmann::json& line) {
  std::ofstream out(path, std::ios::app);
  if (!out) throw IoError("train: cannot append to " + path);
  out << line.dump() << "\n";
  out.flush();
  if (!out) throw IoError("train: write failed for " + path);
}

std::vector<nlohmann::json> read_json_lines(const std::string& path) {
  std::vector<nlohmann::json> lines;
  std::ifstream in(path);
  std::string text;
  while (std::getline(in, text)) {
    if (text.empty()) continue;
    auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_discarded()) lines.push_back(std::move(parsed));
  }
  return lines;
}

void prune_epoch_checkpoints(const RunDir& run, int keep) {
  std::vector<fs::path> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(run.checkpoints(), ec)) {
    const auto name = entry.path().filename().string();
    if (name.rfind("epoch_", 0) == 0 && entry.path().extension() == ".pt") {
      found.push_back(entry.path());
    }
  }
  // Zero-padded numbers sort by name; wider numbers (epoch >= 1000) sort after by length.
  std::sort(found.begin(), found.end(), [](const fs::path& a, const fs::path& b) {
    const auto sa = a.filename().string(), sb = b.filename().string();
    return sa.size() != sb.size() ? sa.size() < sb.size() : sa < sb;
  });
  for (size_t i = 0; i + keep < found.size(); ++i) fs::remove(found[i], ec);
}

std::string file_safe(const std::string& name) {
  std::string safe = name;
  for (char& c : safe) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    if (!ok) c = '_';
  }
  return safe.empty() ? "_" : safe;
}

}  // namespace audiogan
