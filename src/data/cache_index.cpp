// JSON (nlohmann) reading and atomic writing of the spectrogram cache index.
#include "data/cache_index.h"

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.h"

namespace audiogan {

using nlohmann::json;

void to_json(json& j, const CacheEntry& e) {
  j = json{{"path", e.path},
           {"size", e.size},
           {"mtime_ns", e.mtime_ns},
           {"class", e.class_index},
           {"class_name", e.class_name},
           {"content_frames", e.content_frames},
           {"source_seconds", e.source_seconds}};
}

void from_json(const json& j, CacheEntry& e) {
  j.at("path").get_to(e.path);
  j.at("size").get_to(e.size);
  j.at("mtime_ns").get_to(e.mtime_ns);
  j.at("class").get_to(e.class_index);
  j.at("class_name").get_to(e.class_name);
  j.at("content_frames").get_to(e.content_frames);
  j.at("source_seconds").get_to(e.source_seconds);
}

void to_json(json& j, const CacheFailure& f) {
  j = json{{"path", f.path}, {"size", f.size}, {"mtime_ns", f.mtime_ns}, {"reason", f.reason}};
}

void from_json(const json& j, CacheFailure& f) {
  j.at("path").get_to(f.path);
  j.at("size").get_to(f.size);
  j.at("mtime_ns").get_to(f.mtime_ns);
  j.at("reason").get_to(f.reason);
}

std::optional<CacheIndex> read_cache_index(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  try {
    const json j = json::parse(in);
    CacheIndex index;
    j.at("version").get_to(index.version);
    if (index.version != CacheIndex::kVersion) return std::nullopt;
    j.at("frontend").get_to(index.frontend);
    j.at("split_dir").get_to(index.split_dir);
    j.at("class_names").get_to(index.class_names);
    j.at("n_mels").get_to(index.n_mels);
    j.at("frames").get_to(index.frames);
    j.at("data_file").get_to(index.data_file);
    j.at("entries").get_to(index.entries);
    j.at("failed").get_to(index.failed);
    return index;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

void write_cache_index(const std::string& path, const CacheIndex& index) {
  const json j = {{"version", index.version},     {"frontend", index.frontend},
                  {"split_dir", index.split_dir}, {"class_names", index.class_names},
                  {"n_mels", index.n_mels},       {"frames", index.frames},
                  {"dtype", "float16"},           {"layout", "[N, n_mels, frames] row-major"},
                  {"data_file", index.data_file}, {"entries", index.entries},
                  {"failed", index.failed}};
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << j.dump(1) << "\n";
    out.flush();
    if (!out) throw IoError("cache: cannot write " + temporary);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    throw IoError("cache: cannot rename " + temporary + " to " + path);
  }
}

std::string cache_key(const std::string& text) {
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  char out[17];
  std::snprintf(out, sizeof(out), "%016llx", static_cast<unsigned long long>(hash));
  return out;
}

}  // namespace audiogan
