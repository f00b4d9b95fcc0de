// A bounded, thread-safe LRU cache of generated clips (WAV and PNG bytes), bounded both by
// the number of clips and by their total size, so a long-running server keeps bounded memory.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace audiogan::serve {

struct Clip {
  std::string wav;  // a complete RIFF/WAVE file
  std::string png;  // the clip's log-mel spectrogram as a PNG file
  double duration_s = 0.0;
  size_t bytes() const { return wav.size() + png.size(); }
};

struct ClipCacheConfig {
  size_t max_clips = 256;           // [1, inf)
  size_t max_bytes = 256ull << 20;  // [1, inf), WAV + PNG bytes
  void validate() const;
  std::string to_string() const;
};

class ClipCache {
 public:
  explicit ClipCache(ClipCacheConfig config = {});

  // Inserts (or refreshes) a clip; evicts the least recently used until within both bounds.
  // A clip larger than max_bytes on its own is not kept.
  void put(const std::string& id, std::shared_ptr<const Clip> clip);
  // The clip, marked as most recently used, or nullptr when absent or evicted.
  std::shared_ptr<const Clip> get(const std::string& id);

  size_t size() const;
  size_t bytes() const;

 private:
  using Entry = std::pair<std::string, std::shared_ptr<const Clip>>;
  void evict_locked();

  ClipCacheConfig config_;
  mutable std::mutex mutex_;
  std::list<Entry> order_;  // front = most recently used
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  size_t bytes_ = 0;
};

}  // namespace audiogan::serve
