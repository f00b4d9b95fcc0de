// One training epoch of data: read from the memory-mapped spectrogram cache (audiogan) versus
// decoding, resampling and transforming every file each epoch (the seeds' Python loader).
// Data: the example drums (scripts/make-example-data.sh data/drums), or AUDIOGAN_BENCH_DATA.
// Run: ./build/bench/cache_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>

#include "audio/audio_file.h"
#include "core/threads.h"
#include "data/batch_loader.h"
#include "dsp/mel.h"
#include "run_benchmarks.h"

namespace audiogan {
namespace {

std::string data_root() {
  const char* env = std::getenv("AUDIOGAN_BENCH_DATA");
  return env ? env : std::string(AUDIOGAN_SOURCE_DIR) + "/data/drums";
}

// The seeds' settings: 128 x 512 log-mels at 22050 Hz.
FrontendConfig seed_frontend() {
  return FrontendConfig{};
}

bool have_data(benchmark::State& state) {
  if (std::filesystem::is_directory(data_root())) return true;
  state.SkipWithError(("no dataset at " + data_root() +
                       "; run scripts/make-example-data.sh data/drums or set AUDIOGAN_BENCH_DATA")
                          .c_str());
  return false;
}

void BM_EpochFromCache(benchmark::State& state) {
  if (!have_data(state)) return;
  const Dataset dataset = scan_dataset(data_root());
  const SpectrogramCache cache =
      SpectrogramCache::build(dataset, seed_frontend(), "", 0, nullptr, nullptr);
  BatchLoaderOptions options;
  options.batch = 32;
  options.drop_last = false;
  options.workers = static_cast<int>(state.range(0));
  BatchLoader loader(cache, options);
  int64_t epoch = 0, items = 0;
  for (auto _ : state) {
    loader.start_epoch(epoch++);
    Batch batch;
    while (loader.next(batch)) {
      items += batch.labels.size(0);
      benchmark::DoNotOptimize(batch.spectrograms.data_ptr());
    }
  }
  state.counters["files"] = static_cast<double>(cache.size());
  state.counters["items/s"] =
      benchmark::Counter(static_cast<double>(items), benchmark::Counter::kIsRate);
}

// What the seeds do per epoch and file: decode the whole file, resample, log-mel, pad/truncate,
// then stack into float batches.
void BM_EpochDecodingEveryFile(benchmark::State& state) {
  if (!have_data(state)) return;
  const Dataset dataset = scan_dataset(data_root());
  const FrontendConfig frontend = seed_frontend();
  int64_t items = 0;
  for (auto _ : state) {
    std::vector<torch::Tensor> batch;
    for (const DatasetFile& file : dataset.files) {
      AudioClip clip = read_audio(file.path, frontend.sample_rate);
      const auto waveform =
          torch::from_blob(clip.samples.data(), {static_cast<int64_t>(clip.samples.size())});
      batch.push_back(dsp::log_mel(waveform, frontend).unsqueeze(0));
      if (batch.size() == 32) {
        benchmark::DoNotOptimize(torch::stack(batch).data_ptr());
        batch.clear();
      }
      ++items;
    }
    if (!batch.empty()) benchmark::DoNotOptimize(torch::stack(batch).data_ptr());
  }
  state.counters["files"] = static_cast<double>(dataset.files.size());
  state.counters["items/s"] =
      benchmark::Counter(static_cast<double>(items), benchmark::Counter::kIsRate);
}

// Building the cache from nothing (what `audiogan prepare` costs once), on every core.
void BM_CacheBuildCold(benchmark::State& state) {
  if (!have_data(state)) return;
  const Dataset dataset = scan_dataset(data_root());
  const auto dir = std::filesystem::temp_directory_path() / "audiogan-cache-bench";
  for (auto _ : state) {
    std::filesystem::remove_all(dir);
    benchmark::DoNotOptimize(
        SpectrogramCache::build(dataset, seed_frontend(), dir.string(), 0, nullptr, nullptr)
            .size());
  }
  std::filesystem::remove_all(dir);
}

BENCHMARK(BM_EpochFromCache)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0)
    ->UseRealTime();
BENCHMARK(BM_EpochDecodingEveryFile)->Unit(benchmark::kMillisecond)->Iterations(2)->UseRealTime();
BENCHMARK(BM_CacheBuildCold)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

}  // namespace
}  // namespace audiogan

int main(int argc, char** argv) {
  audiogan::configure_threads(0);
  return audiogan::bench::run_benchmarks(argc, argv);
}
