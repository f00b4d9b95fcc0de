// The JSON index of a spectrogram cache: which file produced which row, and the front end that
// made them. Stored beside the fp16 data file and replaced atomically.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace audiogan {

struct CacheEntry {
  std::string path;  // absolute source file
  int64_t size = 0;  // bytes, at the time it was transformed
  int64_t mtime_ns = 0;
  int class_index = 0;
  std::string class_name;
  int64_t content_frames = 0;  // frames up to the last non-silent one (before padding)
  double source_seconds = 0;   // length of the whole source file
};

struct CacheFailure {
  std::string path;
  int64_t size = 0;
  int64_t mtime_ns = 0;
  std::string reason;
};

struct CacheIndex {
  static constexpr int kVersion = 1;
  int version = kVersion;
  std::string frontend;  // FrontendConfig::to_string()
  std::string split_dir;
  std::vector<std::string> class_names;
  int64_t n_mels = 0;
  int64_t frames = 0;
  std::string data_file;             // name of the fp16 file, in the index's folder
  std::vector<CacheEntry> entries;   // row i of the data file is entries[i]
  std::vector<CacheFailure> failed;  // remembered so an unchanged broken file is not re-read

  int64_t row_bytes() const { return n_mels * frames * 2; }
};

// Reads an index; nullopt when the file is missing, unparsable or of another version (the
// cache is then rebuilt, never trusted).
std::optional<CacheIndex> read_cache_index(const std::string& path);

// Writes `index` to `path` through a temporary file and a rename, so a reader never sees half.
void write_cache_index(const std::string& path, const CacheIndex& index);

// 16 hex digits of FNV-1a 64 of `text`: names a cache after its front end and split.
std::string cache_key(const std::string& text);

}  // namespace audiogan
