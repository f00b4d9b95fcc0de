// audiogan prepare: scan a class-folder dataset and build or update its spectrogram cache, with a
// progress bar and a summary of what was used, reused and skipped.

#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/progress_line.h"
#include "core/error.h"
#include "core/threads.h"
#include "data/frame_fit.h"
#include "data/spectrogram_cache.h"

namespace audiogan::cli {
namespace {

struct PrepareFlags {
  std::string data, cache, split = "train", config_file;
  int threads = 0;
  // Flag values, applied over --config only when given; the defaults are training's.
  FrontendConfig staged = Config().frontend;
};

// Copies each front-end flag that was given on the command line over `frontend`.
void apply_frontend_flags(const CLI::App& cmd, const FrontendConfig& flags, FrontendConfig& out) {
  const std::vector<std::pair<const char*, std::function<void()>>> fields = {
      {"--sample-rate", [&] { out.sample_rate = flags.sample_rate; }},
      {"--n-fft", [&] { out.n_fft = flags.n_fft; }},
      {"--win-length", [&] { out.win_length = flags.win_length; }},
      {"--hop", [&] { out.hop_length = flags.hop_length; }},
      {"--n-mels", [&] { out.n_mels = flags.n_mels; }},
      {"--frames", [&] { out.frames = flags.frames; }},
      {"--f-min", [&] { out.f_min = flags.f_min; }},
      {"--f-max", [&] { out.f_max = flags.f_max; }},
      {"--mel-scale", [&] { out.mel_scale = flags.mel_scale; }},
      {"--mel-norm", [&] { out.mel_norm = flags.mel_norm; }},
  };
  for (const auto& [name, apply] : fields) {
    if (cmd.get_option(name)->count() > 0) apply();
  }
}

std::string megabytes(int64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f MB", static_cast<double>(bytes) / 1e6);
  return text;
}

// A one-line bar redrawn in place on a terminal; a line per tenth otherwise (logs stay short).
class ProgressPrinter {
 public:
  explicit ProgressPrinter(std::string label)
      : label_(std::move(label)), line_(stdout), start_(std::chrono::steady_clock::now()) {}

  void operator()(const CacheProgress& p) {
    if (p.total <= 0) return;
    const double seconds = elapsed();
    if (line_.tty()) {
      const double rate = seconds > 0 ? static_cast<double>(p.done - first_done_) / seconds : 0;
      line_.draw(formatted("%s %s %lld/%lld files  %.0f files/s ", label_.c_str(),
                           progress_bar(p.done, p.total, 30).c_str(),
                           static_cast<long long>(p.done), static_cast<long long>(p.total), rate),
                 p.done == p.total);
      if (p.done == p.total) std::printf("\n");
    } else {
      const int64_t tenth = p.done * 10 / p.total;
      if (tenth <= last_tenth_ && p.done < p.total) return;
      if (p.done == p.total && last_tenth_ == 10) return;
      last_tenth_ = tenth;
      std::printf("%s: %lld/%lld files (%.1f s)\n", label_.c_str(), static_cast<long long>(p.done),
                  static_cast<long long>(p.total), seconds);
      std::fflush(stdout);
    }
    if (first_done_ < 0) first_done_ = p.done;
  }

  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::string label_;
  ProgressLine line_;
  std::chrono::steady_clock::time_point start_;
  int64_t last_tenth_ = -1;
  int64_t first_done_ = -1;
};

void print_skipped(const std::vector<SkippedFile>& skipped, std::ostream& out) {
  for (const auto& file : skipped) {
    // Reasons from the decoder already name the file.
    if (file.reason.find(file.path) != std::string::npos) {
      out << "  skipped: " << file.reason << "\n";
    } else {
      out << "  skipped: " << file.path << ": " << file.reason << "\n";
    }
  }
}

void prepare_split(const PrepareFlags& f, const FrontendConfig& frontend, const std::string& split,
                   const std::vector<std::string>* class_names) {
  const Dataset dataset =
      class_names ? scan_dataset(f.data, split, *class_names) : scan_dataset(f.data, split);
  if (!dataset.not_audio.empty()) {
    std::cerr << "audiogan: warning: skipped " << dataset.not_audio.size()
              << " file(s) that are not audio by extension:";
    for (size_t i = 0; i < dataset.not_audio.size() && i < 10; ++i) {
      std::cerr << (i ? ", " : " ") << dataset.not_audio[i].path;
    }
    if (dataset.not_audio.size() > 10) std::cerr << ", ...";
    std::cerr << "\n";
  }
  ProgressPrinter progress("prepare " + split);
  CacheBuildReport report;
  SpectrogramCache cache;
  try {
    cache = SpectrogramCache::build(
        dataset, frontend, f.cache, f.threads, [&](const CacheProgress& p) { progress(p); },
        &report);
  } catch (const DataError&) {
    print_skipped(report.failed, std::cerr);
    throw;
  }
  const double seconds = progress.elapsed();

  std::printf("%s split: %s\n", split.c_str(), dataset.split_dir.c_str());
  std::printf("  files: %lld usable of %zu, %zu classes\n", static_cast<long long>(cache.size()),
              dataset.files.size(), cache.class_names().size());
  const torch::Tensor counts =
      torch::bincount(cache.labels(), {}, static_cast<int64_t>(cache.class_names().size()));
  std::printf("  classes:");
  for (size_t c = 0; c < cache.class_names().size(); ++c) {
    std::printf("%s %s %lld", c ? "," : "", cache.class_names()[c].c_str(),
                static_cast<long long>(counts[static_cast<int64_t>(c)].item<int64_t>()));
  }
  std::printf(
      "\n  spectrograms: reused %lld, computed %lld, skipped %zu broken, %zu not audio "
      "(%.1f s)\n",
      static_cast<long long>(report.reused), static_cast<long long>(report.computed),
      report.failed.size(), dataset.not_audio.size(), seconds);
  std::fflush(stdout);
  print_skipped(report.failed, std::cout);
  std::printf("  cache: %s (%s, fp16 [%lld, %d, %d])\n  index: %s\n", cache.data_path().c_str(),
              megabytes(cache.data_bytes()).c_str(), static_cast<long long>(cache.size()),
              frontend.n_mels, frontend.frames, cache.index_path().c_str());
  std::fflush(stdout);
}

void run_prepare(const CLI::App& cmd, const PrepareFlags& f) {
  configure_threads(f.threads);
  Config config;
  if (!f.config_file.empty()) config = Config::from_toml_file(f.config_file);
  FrontendConfig frontend = config.frontend;
  apply_frontend_flags(cmd, f.staged, frontend);
  frontend.validate();
  if (frontend.frames == 0) {
    // The length `train` would fit (for the config's --lengths too), so the cache prepared here
    // is the one training reads.
    ProgressPrinter progress("measure sound lengths");
    CacheBuildReport report;
    const TrainConfig& t = config.train;
    const TrainingLengths chosen = resolve_training_lengths(
        scan_dataset(f.data, "train"), frontend, t.arch, t.lengths,
        t.arch == "default" && t.balance == "none" && t.accumulate == 1, f.cache, f.threads,
        [&](const CacheProgress& p) { progress(p); }, &report);
    frontend = chosen.frontend;
    std::printf("frames: %d (fitted to the training clips for --arch %s, %s lengths)\n",
                frontend.frames, t.arch.c_str(), chosen.lengths.c_str());
  }
  std::printf("front end: %s\n", frontend.to_string().c_str());
  if (f.split == "test") {
    // Test ids follow the training classes so a class missing from test keeps its id.
    if (has_split(f.data, "train")) {
      const Dataset train = scan_dataset(f.data, "train");
      prepare_split(f, frontend, "test", &train.class_names);
    } else {
      prepare_split(f, frontend, "test", nullptr);
    }
    return;
  }
  prepare_split(f, frontend, "train", nullptr);
  if (f.split == "all") {
    if (!has_split(f.data, "test")) {
      std::printf("test split: none (%s/test does not exist)\n", f.data.c_str());
      return;
    }
    const Dataset train = scan_dataset(f.data, "train");
    prepare_split(f, frontend, "test", &train.class_names);
  }
}

}  // namespace

void add_prepare_command(CLI::App& app) {
  auto f = std::make_shared<PrepareFlags>();
  auto* cmd = app.add_subcommand(
      "prepare",
      "Decode, resample and transform every file of a class-folder dataset once into a "
      "memory-mapped fp16 log-mel cache. Only changed files are recomputed; broken files are "
      "skipped and listed.\n"
      "Example: audiogan prepare --data data/drums --split all");
  cmd->add_option("--data", f->data, "Dataset root: ROOT/train/<class>/* or ROOT/<class>/*")
      ->required();
  cmd->add_option("--cache", f->cache, "Cache folder (default ROOT/.audiogan-cache)");
  cmd->add_option("--split", f->split, "Which split to prepare: ROOT/train, ROOT/test or both")
      ->check(CLI::IsMember({"train", "test", "all"}))
      ->capture_default_str();
  cmd->add_option("--config", f->config_file,
                  "TOML file whose [frontend] table sets the front end; flags override it");
  add_frontend_flags(*cmd, f->staged, kFramesFitHelp);
  add_threads_flag(*cmd, f->threads);
  cmd->callback([cmd, f] { run_prepare(*cmd, *f); });
}

}  // namespace audiogan::cli
