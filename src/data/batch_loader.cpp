// Background assembly of float32 batches from the memory-mapped fp16 cache. Workers build batches
// ahead of the consumer, at most `prefetch` of them; batches are handed out in order.
#include "data/batch_loader.h"

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "core/error.h"
#include "data/length_buckets.h"
#include "data/shuffle.h"

namespace audiogan {

struct BatchLoader::State {
  SpectrogramCache cache;
  BatchLoaderOptions options;
  bool pin = false;

  std::mutex mutex;
  std::condition_variable work_cv;   // workers wait for a batch to build
  std::condition_variable ready_cv;  // next() waits for the batch it must return
  bool stop = false;
  bool started = false;
  uint64_t generation = 0;        // bumped per start_epoch: stale batches are dropped
  std::vector<int64_t> order;     // the epoch's permutation of entries
  std::vector<int> entry_bucket;  // bucketed: each entry's bucket index
  std::vector<BucketBatch> plan;  // bucketed: the epoch's batches
  int64_t bucketed_batches = 0;   // bucketed: batches per epoch (the same every epoch)
  int64_t next_assign = 0;        // next batch index a worker builds
  int64_t next_deliver = 0;       // next batch index next() returns
  int64_t end_batch = 0;
  struct Slot {
    Batch batch;
    std::exception_ptr error;
  };
  std::map<int64_t, Slot> ready;
  std::vector<std::thread> workers;

  State(const SpectrogramCache& c, BatchLoaderOptions o) : cache(c), options(o) {
    if (options.bucket_widths.empty()) return;
    const torch::Tensor frames = cache.content_frames().to(torch::kLong).contiguous();
    const int64_t* data = frames.data_ptr<int64_t>();
    for (int64_t i = 0; i < frames.numel(); ++i) {
      entry_bucket.push_back(bucket_of(data[i], options.bucket_widths));
    }
    bucketed_batches = static_cast<int64_t>(epoch_plan(0).size());
  }

  bool bucketed() const { return !options.bucket_widths.empty(); }

  std::vector<BucketBatch> epoch_plan(int64_t epoch) const {
    return bucket_batches(epoch_order(epoch), entry_bucket, options.bucket_widths, options.batch,
                          options.seed, static_cast<uint64_t>(epoch));
  }

  // Entries in one epoch.
  int64_t epoch_entries() const {
    if (!options.balance_classes) return cache.size();
    const auto classes = static_cast<int64_t>(cache.class_names().size());
    return classes * (cache.size() / classes);
  }

  // The epoch's order of entries.
  std::vector<int64_t> epoch_order(int64_t epoch) const {
    if (!options.balance_classes) {
      return shuffled_indices(cache.size(), options.seed, static_cast<uint64_t>(epoch));
    }
    const torch::Tensor& labels = cache.labels();
    const int64_t* data = labels.data_ptr<int64_t>();
    return class_balanced_indices(std::vector<int64_t>(data, data + labels.numel()),
                                  static_cast<int>(cache.class_names().size()), options.seed,
                                  static_cast<uint64_t>(epoch));
  }

  // Optimiser steps per epoch; several shards per step always drop the last partial step, so
  // that every rank takes the same number of steps.
  int64_t batches_per_epoch() const {
    if (bucketed()) return bucketed_batches;
    const int64_t n = epoch_entries();
    const int64_t per_step = static_cast<int64_t>(options.batch) * options.shards;
    if (options.drop_last || options.shards > 1) return n / per_step;
    return (n + options.batch - 1) / options.batch;
  }

  // The first entry (position in `order`) of the index-th batch this loader delivers.
  int64_t first_entry(int64_t index) const {
    const int64_t step = index / options.local_shards;
    const int64_t shard = options.first_shard + index % options.local_shards;
    return (step * options.shards + shard) * options.batch;
  }

  // Copies entries `indices` into a new batch, converting fp16 to float32; width > 0 keeps each
  // clip's first `width` frames and records its length (bucketed batches).
  Batch assemble(const std::vector<int64_t>& indices, int64_t width) const {
    const torch::Tensor& source = cache.spectrograms();  // [N, n_mels, frames] float16
    const auto b = static_cast<int64_t>(indices.size());
    const int64_t mels = source.size(1), frames = source.size(2);
    const int64_t cut = width > 0 ? std::min(width, frames) : frames;
    Batch batch;
    auto options_f = torch::TensorOptions().dtype(torch::kFloat).pinned_memory(pin);
    batch.spectrograms = torch::empty({b, 1, mels, cut}, options_f);
    batch.labels = torch::empty({b}, torch::kLong);
    if (width > 0) batch.frames = torch::empty({b}, torch::kLong);
    const int64_t* labels = cache.labels().data_ptr<int64_t>();
    const int64_t* content = width > 0 ? cache.content_frames().data_ptr<int64_t>() : nullptr;
    int64_t* out_labels = batch.labels.data_ptr<int64_t>();
    int64_t* out_frames = content ? batch.frames.data_ptr<int64_t>() : nullptr;
    // A plain loop, not Tensor::copy_: intra-op parallel regions entered from several loader
    // threads at once oversubscribe the cores (OpenMP teams spin) and stall for seconds.
    const at::Half* rows = source.data_ptr<at::Half>();
    float* out = batch.spectrograms.data_ptr<float>();
    for (int64_t j = 0; j < b; ++j) {
      const int64_t index = indices[static_cast<size_t>(j)];
      for (int64_t m = 0; m < mels; ++m) {
        const at::Half* from = rows + (index * mels + m) * frames;
        float* to = out + (j * mels + m) * cut;
        for (int64_t k = 0; k < cut; ++k) to[k] = static_cast<float>(from[k]);
      }
      out_labels[j] = labels[index];
      if (content) out_frames[j] = std::clamp<int64_t>(content[index], 1, cut);
    }
    return batch;
  }

  void work() {
    torch::NoGradGuard no_grad;
    std::unique_lock<std::mutex> lock(mutex);
    while (true) {
      work_cv.wait(lock, [&] {
        return stop || (started && next_assign < end_batch &&
                        next_assign < next_deliver + options.prefetch);
      });
      if (stop) return;
      const int64_t index = next_assign++;
      const uint64_t my_generation = generation;
      std::vector<int64_t> indices;
      int64_t width = 0;
      if (bucketed()) {
        indices = plan[static_cast<size_t>(index)].entries;
        width = plan[static_cast<size_t>(index)].width;
      } else {
        const int64_t first = first_entry(index);
        const int64_t last =
            std::min<int64_t>(first + options.batch, static_cast<int64_t>(order.size()));
        indices.assign(order.begin() + first, order.begin() + last);
      }
      lock.unlock();
      Slot slot;
      try {
        slot.batch = assemble(indices, width);
      } catch (...) {
        slot.error = std::current_exception();
      }
      lock.lock();
      if (my_generation == generation) {
        ready[index] = std::move(slot);
        ready_cv.notify_all();
      }
    }
  }

  void start_locked(int64_t epoch, int64_t first_batch) {
    ++generation;
    ready.clear();
    if (bucketed()) {
      plan = epoch_plan(epoch);
    } else {
      order = epoch_order(epoch);
    }
    end_batch = batches_per_epoch() * options.local_shards;
    next_assign = next_deliver =
        std::clamp<int64_t>(first_batch * options.local_shards, 0, end_batch);
    started = true;
    work_cv.notify_all();
  }
};

BatchLoader::BatchLoader(const SpectrogramCache& cache, BatchLoaderOptions options) {
  if (options.batch < 1) {
    throw ConfigError("batch loader: --batch expected >= 1, got " + std::to_string(options.batch));
  }
  if (options.shards < 1 || options.local_shards < 1 || options.first_shard < 0 ||
      options.first_shard + options.local_shards > options.shards) {
    throw ConfigError("batch loader: shards [" + std::to_string(options.first_shard) + ", " +
                      std::to_string(options.first_shard + options.local_shards) +
                      ") expected within [0, " + std::to_string(options.shards) + ")");
  }
  if (!options.bucket_widths.empty() && (options.shards > 1 || options.balance_classes)) {
    throw ConfigError(
        "batch loader: --lengths variable trains on one process without --accumulate and "
        "without --balance classes");
  }
  options.workers = std::max(1, options.workers);
  options.prefetch = std::max(1, options.prefetch);
  state_ = std::make_unique<State>(cache, options);
  // Pinned memory needs a CUDA runtime; without one the batches stay in ordinary memory.
  state_->pin = options.pin_memory && torch::cuda::is_available();
  for (int i = 0; i < options.workers; ++i) {
    state_->workers.emplace_back([state = state_.get()] { state->work(); });
  }
}

BatchLoader::~BatchLoader() {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->stop = true;
  }
  state_->work_cv.notify_all();
  state_->ready_cv.notify_all();
  for (auto& worker : state_->workers) worker.join();
}

int64_t BatchLoader::batches_per_epoch() const {
  return state_->batches_per_epoch();
}

void BatchLoader::start_epoch(int64_t epoch, int64_t first_batch) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->start_locked(epoch, first_batch);
}

bool BatchLoader::next(Batch& batch) {
  std::unique_lock<std::mutex> lock(state_->mutex);
  if (!state_->started) state_->start_locked(/*epoch=*/0, /*first_batch=*/0);
  if (state_->next_deliver >= state_->end_batch) return false;
  const int64_t index = state_->next_deliver;
  state_->ready_cv.wait(lock, [&] { return state_->stop || state_->ready.count(index) > 0; });
  if (state_->stop) return false;
  State::Slot slot = std::move(state_->ready[index]);
  state_->ready.erase(index);
  ++state_->next_deliver;
  lock.unlock();
  state_->work_cv.notify_all();
  if (slot.error) std::rethrow_exception(slot.error);
  batch = std::move(slot.batch);
  return true;
}

}  // namespace audiogan
