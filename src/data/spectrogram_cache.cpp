// Building, updating and opening the memory-mapped fp16 log-mel cache.
#include "data/spectrogram_cache.h"

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "core/error.h"
#include "data/cache_index.h"
#include "data/file_log_mel.h"
#include "data/mapped_file.h"

namespace audiogan {
namespace fs = std::filesystem;

struct SpectrogramCache::State {
  FrontendConfig frontend;
  std::vector<std::string> class_names;
  std::vector<std::string> paths;
  std::vector<SkippedFile> failed;
  torch::Tensor labels;          // [N] int64
  torch::Tensor spectrograms;    // [N, n_mels, frames] float16, view of the mapping
  torch::Tensor content_frames;  // [N] int64
  std::string index_path;
  std::string data_path;
  int64_t data_bytes = 0;
};

struct SpectrogramCacheAccess {
  using State = SpectrogramCache::State;
  static SpectrogramCache make(std::shared_ptr<State> state) {
    SpectrogramCache cache;
    cache.state_ = std::move(state);
    return cache;
  }
};

namespace {
using State = SpectrogramCacheAccess::State;

struct CacheFiles {
  std::string dir;
  std::string key;    // "logmel-<hash>"
  std::string index;  // <dir>/<key>.json
};

CacheFiles cache_files(const Dataset& dataset, const FrontendConfig& frontend,
                       const std::string& cache_dir) {
  CacheFiles files;
  files.dir = cache_dir.empty() ? SpectrogramCache::default_dir(dataset) : cache_dir;
  files.key = "logmel-" + cache_key(frontend.to_string() + "\n" + dataset.split_dir);
  files.index = (fs::path(files.dir) / (files.key + ".json")).string();
  return files;
}

std::string error_text(const std::exception& error) {
  if (const auto* c10_error = dynamic_cast<const c10::Error*>(&error)) {
    return c10_error->what_without_backtrace();
  }
  return error.what();
}

// True when `index` describes exactly `dataset` under `frontend`: every file present with the
// same size and mtime, as a row or as a remembered failure, and nothing else.
bool is_current(const CacheIndex& index, const Dataset& dataset, const FrontendConfig& frontend) {
  if (index.frontend != frontend.to_string() || index.class_names != dataset.class_names ||
      index.entries.size() + index.failed.size() != dataset.files.size()) {
    return false;
  }
  std::unordered_map<std::string, std::pair<int64_t, int64_t>> known;
  for (const auto& e : index.entries) known[e.path] = {e.size, e.mtime_ns};
  for (const auto& f : index.failed) known[f.path] = {f.size, f.mtime_ns};
  for (const auto& file : dataset.files) {
    const auto found = known.find(file.path);
    if (found == known.end() || found->second != std::make_pair(file.size, file.mtime_ns)) {
      return false;
    }
  }
  return true;
}

// Maps the data file of `index` and wraps it; the tensor keeps the mapping alive.
std::shared_ptr<State> open_index(const CacheIndex& index, const std::string& index_path,
                                  const FrontendConfig& frontend) {
  auto state = std::make_shared<State>();
  state->frontend = frontend;
  state->class_names = index.class_names;
  state->index_path = index_path;
  state->data_path = (fs::path(index_path).parent_path() / index.data_file).string();
  const auto n = static_cast<int64_t>(index.entries.size());
  auto mapping = MappedFile::open_read(state->data_path);
  if (static_cast<int64_t>(mapping->size()) != n * index.row_bytes() || n == 0) {
    throw DataError("cache: " + state->data_path + " holds " + std::to_string(mapping->size()) +
                    " bytes, the index expects " + std::to_string(n * index.row_bytes()) +
                    "; run `audiogan prepare` again");
  }
  state->data_bytes = static_cast<int64_t>(mapping->size());
  state->spectrograms = torch::from_blob(
      mapping->data(), {n, index.n_mels, index.frames}, [mapping](void*) {},
      torch::TensorOptions().dtype(torch::kHalf));
  state->labels = torch::empty({n}, torch::kLong);
  state->content_frames = torch::empty({n}, torch::kLong);
  int64_t* labels = state->labels.data_ptr<int64_t>();
  int64_t* content = state->content_frames.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i) {
    const CacheEntry& e = index.entries[static_cast<size_t>(i)];
    state->paths.push_back(e.path);
    labels[i] = e.class_index;
    content[i] = e.content_frames;
  }
  for (const auto& f : index.failed) state->failed.push_back({f.path, f.reason});
  return state;
}

// Deletes data files of this key other than `keep` (earlier generations, interrupted builds).
// A reader still mapping one keeps its pages: unlinking does not touch a live mapping.
void remove_other_generations(const CacheFiles& files, const std::string& keep) {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(files.dir, error)) {
    const std::string name = entry.path().filename().string();
    if (name != keep && name.rfind(files.key + ".", 0) == 0 && name != files.key + ".json" &&
        name != files.key + ".json.tmp") {
      fs::remove(entry.path(), error);
    }
  }
}

struct Plan {
  std::vector<CacheEntry> entries;   // per dataset file
  std::vector<std::string> reasons;  // per dataset file; non-empty = failed
  std::vector<char> usable;          // per dataset file
  std::vector<size_t> to_compute;    // dataset file indices
};

// The previous cache for these settings and its mapped data, when both are intact.
std::optional<CacheIndex> intact_previous(const CacheFiles& files, const FrontendConfig& frontend,
                                          size_t row_bytes, std::shared_ptr<MappedFile>* data) {
  std::optional<CacheIndex> old = read_cache_index(files.index);
  if (!old || old->frontend != frontend.to_string() || old->n_mels != frontend.n_mels ||
      old->frames != frontend.frames) {
    return std::nullopt;
  }
  try {
    *data = MappedFile::open_read((fs::path(files.dir) / old->data_file).string());
  } catch (const IoError&) {
    return std::nullopt;
  }
  if ((*data)->size() != old->entries.size() * row_bytes) return std::nullopt;
  return old;
}

// Per dataset file: its row copied from the previous cache when the file is unchanged, its
// known failure kept, or a place in `to_compute`.
Plan plan_rows(const Dataset& dataset, const std::optional<CacheIndex>& old,
               const MappedFile* old_data, char* rows, size_t row_bytes, CacheBuildReport& report) {
  std::unordered_map<std::string, size_t> old_rows, old_failures;
  if (old) {
    for (size_t j = 0; j < old->entries.size(); ++j) old_rows[old->entries[j].path] = j;
    for (size_t j = 0; j < old->failed.size(); ++j) old_failures[old->failed[j].path] = j;
  }
  const size_t n = dataset.files.size();
  Plan plan;
  plan.entries.resize(n);
  plan.reasons.resize(n);
  plan.usable.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    const DatasetFile& file = dataset.files[i];
    CacheEntry& entry = plan.entries[i];
    entry.path = file.path;
    entry.size = file.size;
    entry.mtime_ns = file.mtime_ns;
    entry.class_index = file.class_index;
    entry.class_name = dataset.class_names[static_cast<size_t>(file.class_index)];
    const auto row = old_rows.find(file.path);
    const auto failure = old_failures.find(file.path);
    if (row != old_rows.end() && old->entries[row->second].size == file.size &&
        old->entries[row->second].mtime_ns == file.mtime_ns) {
      std::memcpy(rows + i * row_bytes,
                  static_cast<const char*>(old_data->data()) + row->second * row_bytes, row_bytes);
      entry.content_frames = old->entries[row->second].content_frames;
      entry.source_seconds = old->entries[row->second].source_seconds;
      plan.usable[i] = 1;
      ++report.reused;
    } else if (failure != old_failures.end() && old->failed[failure->second].size == file.size &&
               old->failed[failure->second].mtime_ns == file.mtime_ns) {
      plan.reasons[i] = old->failed[failure->second].reason;
    } else {
      plan.to_compute.push_back(i);
    }
  }
  return plan;
}

// Decodes and transforms the planned files on `threads` workers (0 = every core); each writes
// its own rows of the mapping, so they share nothing but a counter.
void compute_rows(const Dataset& dataset, const FrontendConfig& frontend, Plan& plan, char* rows,
                  size_t row_bytes, int threads, const CacheProgressCallback& progress) {
  const size_t n = dataset.files.size();
  std::atomic<size_t> next{0};
  std::mutex progress_mutex;
  int64_t done = static_cast<int64_t>(n - plan.to_compute.size());
  if (progress) progress({done, static_cast<int64_t>(n), ""});
  auto work = [&] {
    torch::NoGradGuard no_grad;
    for (size_t k = next++; k < plan.to_compute.size(); k = next++) {
      const size_t i = plan.to_compute[k];
      try {
        FileLogMel result = file_log_mel(dataset.files[i].path, frontend);
        const torch::Tensor half = result.log_mel.to(torch::kHalf).contiguous();
        if (half.numel() * 2 != static_cast<int64_t>(row_bytes)) {
          throw DataError("cache: log-mel of " + dataset.files[i].path + " has shape " +
                          c10::str(half.sizes()) + ", expected [" +
                          std::to_string(frontend.n_mels) + ", " + std::to_string(frontend.frames) +
                          "]");
        }
        std::memcpy(rows + i * row_bytes, half.data_ptr(), row_bytes);
        plan.entries[i].content_frames = result.content_frames;
        plan.entries[i].source_seconds = result.source_seconds;
        plan.usable[i] = 1;
      } catch (const std::exception& e) {
        plan.reasons[i] = error_text(e);
      }
      if (progress) {
        std::lock_guard<std::mutex> lock(progress_mutex);
        progress({++done, static_cast<int64_t>(n), dataset.files[i].path});
      }
    }
  };
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const size_t workers =
      std::min<size_t>(threads > 0 ? static_cast<size_t>(threads) : cores, plan.to_compute.size());
  std::vector<std::thread> pool;
  for (size_t t = 1; t < workers; ++t) pool.emplace_back(work);
  if (workers > 0) work();
  for (auto& thread : pool) thread.join();
}

// The index of the usable rows, moved together to close the gaps failed files left.
CacheIndex compact_rows(const Dataset& dataset, const FrontendConfig& frontend, const Plan& plan,
                        char* rows, size_t row_bytes, const std::string& data_name,
                        CacheBuildReport& report) {
  CacheIndex index;
  index.frontend = frontend.to_string();
  index.split_dir = dataset.split_dir;
  index.class_names = dataset.class_names;
  index.n_mels = frontend.n_mels;
  index.frames = frontend.frames;
  index.data_file = data_name;
  for (size_t i = 0; i < dataset.files.size(); ++i) {
    const DatasetFile& file = dataset.files[i];
    if (!plan.usable[i]) {
      index.failed.push_back({file.path, file.size, file.mtime_ns, plan.reasons[i]});
      report.failed.push_back({file.path, plan.reasons[i]});
      continue;
    }
    const size_t w = index.entries.size();
    if (w != i) std::memmove(rows + w * row_bytes, rows + i * row_bytes, row_bytes);
    index.entries.push_back(plan.entries[i]);
  }
  for (size_t i : plan.to_compute) report.computed += plan.usable[i] ? 1 : 0;
  return index;
}

// "; skipped: <reason>; <reason>" for up to three failures: why no file was usable.
std::string first_reasons(const CacheBuildReport& report) {
  std::string reasons;
  for (size_t i = 0; i < report.failed.size() && i < 3; ++i) {
    reasons += (i ? "; " : "; skipped: ") + report.failed[i].reason;
  }
  return reasons;
}

}  // namespace

std::string SpectrogramCache::default_dir(const Dataset& dataset) {
  return (fs::path(dataset.root) / ".audiogan-cache").string();
}

SpectrogramCache SpectrogramCache::build(const Dataset& dataset, const FrontendConfig& frontend,
                                         const std::string& cache_dir, int threads,
                                         const CacheProgressCallback& progress,
                                         CacheBuildReport* report) {
  frontend.validate();
  if (frontend.frames <= 0) {
    throw ConfigError(
        "cache: --frames must be > 0 (the cache stores fixed-size spectrograms), "
        "got " +
        std::to_string(frontend.frames));
  }
  CacheBuildReport local_report;
  CacheBuildReport& out_report = report ? *report : local_report;
  out_report = CacheBuildReport{};
  const CacheFiles files = cache_files(dataset, frontend, cache_dir);
  std::error_code error;
  fs::create_directories(files.dir, error);
  if (error) throw IoError("cache: cannot create " + files.dir + ": " + error.message());
  const size_t row_bytes = static_cast<size_t>(frontend.n_mels) * frontend.frames * 2;  // fp16
  const auto n = static_cast<int64_t>(dataset.files.size());

  std::shared_ptr<MappedFile> old_data;
  const std::optional<CacheIndex> old = intact_previous(files, frontend, row_bytes, &old_data);
  if (old && is_current(*old, dataset, frontend)) {
    SpectrogramCache cache = SpectrogramCacheAccess::make(open_index(*old, files.index, frontend));
    out_report.reused = cache.size();
    out_report.failed = cache.failed();
    if (progress) progress({n, n, ""});
    return cache;
  }

  // A new generation is written beside the old one under a temporary name, then published.
  const std::string data_name =
      files.key + "." +
      std::to_string(std::chrono::system_clock::now().time_since_epoch().count()) + ".bin";
  const std::string temporary = (fs::path(files.dir) / (data_name + ".tmp")).string();
  auto data = MappedFile::create(temporary, static_cast<size_t>(n) * row_bytes);
  auto* rows = static_cast<char*>(data->data());
  Plan plan = plan_rows(dataset, old, old_data.get(), rows, row_bytes, out_report);
  old_data.reset();
  compute_rows(dataset, frontend, plan, rows, row_bytes, threads, progress);
  const CacheIndex index =
      compact_rows(dataset, frontend, plan, rows, row_bytes, data_name, out_report);
  data->finish(index.entries.size() * row_bytes);
  data.reset();
  if (index.entries.empty()) {
    fs::remove(temporary, error);
    throw DataError("cache: no usable audio file among " + std::to_string(n) + " in " +
                    dataset.split_dir + first_reasons(out_report));
  }
  const std::string data_path = (fs::path(files.dir) / data_name).string();
  fs::rename(temporary, data_path, error);
  if (error) throw IoError("cache: cannot rename " + temporary + ": " + error.message());
  write_cache_index(files.index, index);
  remove_other_generations(files, data_name);
  return SpectrogramCacheAccess::make(open_index(index, files.index, frontend));
}

SpectrogramCache SpectrogramCache::open(const Dataset& dataset, const FrontendConfig& frontend,
                                        const std::string& cache_dir) {
  const CacheFiles files = cache_files(dataset, frontend, cache_dir);
  const std::optional<CacheIndex> index = read_cache_index(files.index);
  const std::string hint = "; run `audiogan prepare --data " + dataset.root + "` first";
  if (!index) {
    throw DataError("cache: no spectrogram cache for these front-end settings at " + files.index +
                    hint);
  }
  if (!is_current(*index, dataset, frontend)) {
    throw DataError("cache: " + files.index + " is stale (files or settings changed)" + hint);
  }
  return SpectrogramCacheAccess::make(open_index(*index, files.index, frontend));
}

int64_t SpectrogramCache::size() const {
  return state_->spectrograms.size(0);
}
const std::vector<std::string>& SpectrogramCache::class_names() const {
  return state_->class_names;
}
const FrontendConfig& SpectrogramCache::frontend() const {
  return state_->frontend;
}
const torch::Tensor& SpectrogramCache::labels() const {
  return state_->labels;
}
const torch::Tensor& SpectrogramCache::spectrograms() const {
  return state_->spectrograms;
}
const std::string& SpectrogramCache::path(int64_t index) const {
  return state_->paths.at(static_cast<size_t>(index));
}
const torch::Tensor& SpectrogramCache::content_frames() const {
  return state_->content_frames;
}
const std::vector<SkippedFile>& SpectrogramCache::failed() const {
  return state_->failed;
}
const std::string& SpectrogramCache::index_path() const {
  return state_->index_path;
}
const std::string& SpectrogramCache::data_path() const {
  return state_->data_path;
}
int64_t SpectrogramCache::data_bytes() const {
  return state_->data_bytes;
}

}  // namespace audiogan
