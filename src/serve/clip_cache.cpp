// Bounded LRU cache of generated clips.
#include "serve/clip_cache.h"

#include "core/error.h"

namespace audiogan::serve {

void ClipCacheConfig::validate() const {
  if (max_clips < 1) throw ConfigError("serve: --cache-clips must be >= 1, got 0");
  if (max_bytes < 1) throw ConfigError("serve: --cache-mb must be > 0, got 0");
}

std::string ClipCacheConfig::to_string() const {
  return "max_clips=" + std::to_string(max_clips) + " max_bytes=" + std::to_string(max_bytes);
}

ClipCache::ClipCache(ClipCacheConfig config) : config_(config) {
  config_.validate();
}

void ClipCache::put(const std::string& id, std::shared_ptr<const Clip> clip) {
  if (!clip || clip->bytes() > config_.max_bytes) return;
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = index_.find(id);
  if (found != index_.end()) {
    bytes_ -= found->second->second->bytes();
    order_.erase(found->second);
    index_.erase(found);
  }
  bytes_ += clip->bytes();
  order_.emplace_front(id, std::move(clip));
  index_[id] = order_.begin();
  evict_locked();
}

std::shared_ptr<const Clip> ClipCache::get(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = index_.find(id);
  if (found == index_.end()) return nullptr;
  order_.splice(order_.begin(), order_, found->second);  // mark as most recently used
  return found->second->second;
}

size_t ClipCache::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return order_.size();
}

size_t ClipCache::bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return bytes_;
}

void ClipCache::evict_locked() {
  while (!order_.empty() && (order_.size() > config_.max_clips || bytes_ > config_.max_bytes)) {
    bytes_ -= order_.back().second->bytes();
    index_.erase(order_.back().first);
    order_.pop_back();
  }
}

}  // namespace audiogan::serve
