// JSON (nlohmann) reading and atomic writing of the spectrogram cache index.
#include "data/cache_index.h"

#include <cstdio>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/hash.h"

namespace audiogan {

using nlohmann::json;

namespace {

// An index this reader does not trust: read_cache_index answers nullopt and the cache is rebuilt.
struct UntrustedIndex {};

// The integer at j[key] if it is a JSON integer that T holds. nlohmann's get_to would also
// convert a float, and converting one beyond T's range (2.1e19 into int64) is undefined behaviour.
template <typename T>
void read_integer(const json& j, const char* key, T& out) {
  const json& value = j.at(key);
  if (value.is_number_unsigned()) {
    if (value.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<T>::max())) {
      throw UntrustedIndex{};
    }
  } else if (value.is_number_integer()) {
    const int64_t v = value.get<int64_t>();
    if (v < static_cast<int64_t>(std::numeric_limits<T>::min()) ||
        v > static_cast<int64_t>(std::numeric_limits<T>::max())) {
      throw UntrustedIndex{};
    }
  } else {
    throw UntrustedIndex{};
  }
  out = value.get<T>();
}

// Sizes any cache can have: the shape a mapped data file is checked against, never overflowing
// row_bytes(), and rows whose class and lengths are in range.
bool plausible(const CacheIndex& index) {
  constexpr int64_t kMaxMels = 1 << 16, kMaxFrames = 1 << 24;
  if (index.n_mels < 1 || index.n_mels > kMaxMels || index.frames < 1 ||
      index.frames > kMaxFrames) {
    return false;
  }
  const auto classes = static_cast<int64_t>(index.class_names.size());
  for (const CacheEntry& e : index.entries) {
    if (e.class_index < 0 || e.class_index >= classes || e.content_frames < 0 || e.size < 0) {
      return false;
    }
  }
  return true;
}

}  // namespace

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
  read_integer(j, "size", e.size);
  read_integer(j, "mtime_ns", e.mtime_ns);
  read_integer(j, "class", e.class_index);
  j.at("class_name").get_to(e.class_name);
  read_integer(j, "content_frames", e.content_frames);
  j.at("source_seconds").get_to(e.source_seconds);
}

void to_json(json& j, const CacheFailure& f) {
  j = json{{"path", f.path}, {"size", f.size}, {"mtime_ns", f.mtime_ns}, {"reason", f.reason}};
}

void from_json(const json& j, CacheFailure& f) {
  j.at("path").get_to(f.path);
  read_integer(j, "size", f.size);
  read_integer(j, "mtime_ns", f.mtime_ns);
  j.at("reason").get_to(f.reason);
}

std::optional<CacheIndex> read_cache_index(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  try {
    const json j = json::parse(in);
    CacheIndex index;
    read_integer(j, "version", index.version);
    if (index.version != CacheIndex::kVersion) return std::nullopt;
    j.at("frontend").get_to(index.frontend);
    j.at("split_dir").get_to(index.split_dir);
    j.at("class_names").get_to(index.class_names);
    read_integer(j, "n_mels", index.n_mels);
    read_integer(j, "frames", index.frames);
    j.at("data_file").get_to(index.data_file);
    j.at("entries").get_to(index.entries);
    j.at("failed").get_to(index.failed);
    if (!plausible(index)) return std::nullopt;
    return index;
  } catch (const json::exception&) {
    return std::nullopt;
  } catch (const UntrustedIndex&) {
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
  return fnv1a64_hex(text);
}

}  // namespace audiogan
