// The training loop (see trainer.h): setup or resume, epochs of gan_step, per-epoch outputs,
// checkpoints, and the stop conditions (epochs, max_steps, time budget, signal).
#include "train/trainer.h"

#include <ATen/CPUGeneratorImpl.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/threads.h"
#include "data/batch_loader.h"
#include "data/dataset.h"
#include "data/frame_fit.h"
#include "data/length_buckets.h"
#include "model/attention.h"
#include "model/clip_length.h"
#include "train/augment.h"
#include "train/checkpoint.h"
#include "train/collapse_monitor.h"
#include "train/ema.h"
#include "train/epoch_outputs.h"
#include "train/gan_step.h"
#include "train/parallel_run.h"
#include "train/run_dir.h"

namespace audiogan {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The generator torch::manual_seed and parameter init draw from (a handle sharing its state).
at::Generator default_cpu_generator() {
  return at::detail::getDefaultCPUGenerator();
}

bool cpu_has_native_bf16() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("flags", 0) == 0) {
      return line.find(" amx_bf16") != std::string::npos ||
             line.find(" avx512_bf16") != std::string::npos;
    }
  }
  return false;
}

Precision make_precision(const std::string& amp, const torch::Device& device) {
  if (amp == "off") return {false, at::kFloat, "off"};
  if (amp == "bf16") return {true, at::kBFloat16, "bf16"};
  if (!device.is_cuda()) {
    throw ConfigError("train: --amp fp16 needs --device cuda; on a CPU use --amp bf16 or off");
  }
  return {true, at::kHalf, "fp16"};
}

// "k=v k=v" -> the settings that differ, e.g. "frames: checkpoint 64, data 512".
std::string frontend_differences(const std::string& expected, const std::string& found) {
  auto split = [](const std::string& text) {
    std::vector<std::pair<std::string, std::string>> out;
    std::istringstream in(text);
    std::string token;
    while (in >> token) {
      const auto eq = token.find('=');
      out.emplace_back(token.substr(0, eq), eq == std::string::npos ? "" : token.substr(eq + 1));
    }
    return out;
  };
  const auto a = split(expected), b = split(found);
  std::string diff;
  for (const auto& [key, value] : a) {
    for (const auto& [key2, value2] : b) {
      if (key == key2 && value != value2) {
        diff += (diff.empty() ? "" : ", ") + key + ": checkpoint " + value + ", data " + value2;
      }
    }
  }
  return diff.empty() ? "'" + expected + "' vs '" + found + "'" : diff;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

void check_checkpoint_matches_data(const CheckpointMeta& meta, const SpectrogramCache& cache,
                                   const std::string& path) {
  const auto data_frontend = cache.frontend().to_string();
  if (meta.frontend != data_frontend) {
    throw DataError("train: checkpoint " + path +
                    " was made with other front-end settings than "
                    "the data: " +
                    frontend_differences(meta.frontend, data_frontend));
  }
  if (meta.class_names != cache.class_names()) {
    throw DataError("train: checkpoint " + path + " was trained on the classes [" +
                    join(meta.class_names) + "] but the data has [" + join(cache.class_names()) +
                    "]");
  }
}

// Up to `per_class` entries of every class, spread over the class: [n, M, F] float and [n].
std::pair<torch::Tensor, torch::Tensor> real_sample(const SpectrogramCache& cache, int per_class) {
  const auto labels = cache.labels().to(torch::kCPU);
  std::vector<int64_t> picked;
  for (int c = 0; c < static_cast<int>(cache.class_names().size()); ++c) {
    auto rows = torch::nonzero(labels == c).flatten();
    const int64_t n = rows.numel();
    const int64_t take = std::min<int64_t>(n, per_class);
    for (int64_t i = 0; i < take; ++i) picked.push_back(rows[i * n / take].item<int64_t>());
  }
  auto index = torch::tensor(picked, torch::kLong);
  return {cache.spectrograms().index_select(0, index).to(torch::kFloat),
          labels.index_select(0, index)};
}

// The attention maps of one step grow with the square of a stage's positions: refuse a setting
// whose maps alone would take more than kAttentionMemoryLimit instead of running out of memory
// an hour into the run (the estimate is model/attention.h's).
constexpr double kAttentionMemoryLimit = 8.0 * (1ull << 30);

void check_attention_memory(const ModelSpec& spec, int64_t batch) {
  const double bytes = attention_memory_bytes(spec, batch);
  if (bytes > kAttentionMemoryLimit) {
    std::ostringstream text;
    text.precision(3);
    text << "train: --attention " << spec.attention.front();
    for (size_t i = 1; i < spec.attention.size(); ++i) text << "," << spec.attention[i];
    text << " needs about " << bytes / (1ull << 30) << " GiB of attention maps at --batch " << batch
         << " and " << spec.frames << " frames (limit " << kAttentionMemoryLimit / (1ull << 30)
         << " GiB); choose a lower-resolution stage (a smaller height), fewer frames or a "
            "smaller batch";
    throw ConfigError(text.str());
  }
}

struct RunningMeans {
  double loss_g = 0, loss_d = 0, d_real = 0, d_fake = 0, penalty = 0;
  int64_t count = 0, g_count = 0, skipped = 0;
  void add(const StepStats& s) {
    loss_d += s.loss_d, d_real += s.d_real, d_fake += s.d_fake, penalty += s.gradient_penalty;
    if (s.updated_g) loss_g += s.loss_g, ++g_count;  // critic-only steps have no G loss
    ++count;
    skipped += s.skipped ? 1 : 0;
  }
  double mean(double sum) const { return count ? sum / count : 0.0; }
  double mean_loss_g() const { return g_count ? loss_g / g_count : 0.0; }
};

// Down-sampled per-step loss curve for loss.png, kept in the epoch's metrics line.
struct Curve {
  int64_t every = 1;
  RunningMeans bucket;
  nlohmann::json json = {{"step", nlohmann::json::array()},
                         {"loss_g", nlohmann::json::array()},
                         {"loss_d", nlohmann::json::array()},
                         {"d_real", nlohmann::json::array()},
                         {"d_fake", nlohmann::json::array()}};
  void add(const StepStats& s, int64_t step) {
    bucket.add(s);
    if (bucket.count >= every) add_point(step);
  }
  void add_point(int64_t step) {
    json["step"].push_back(step);
    json["loss_g"].push_back(bucket.mean_loss_g());
    json["loss_d"].push_back(bucket.mean(bucket.loss_d));
    json["d_real"].push_back(bucket.mean(bucket.d_real));
    json["d_fake"].push_back(bucket.mean(bucket.d_fake));
    bucket = {};
  }
  // The epoch's last, partial bucket.
  void flush(int64_t step) {
    if (bucket.count == 0) return;
    every = bucket.count;
    add_point(step);
  }
};

class Session {
 public:
  explicit Session(const TrainerOptions& options) : o_(options), run_{options.run_dir} {}
  TrainResult run();

 private:
  // The run's phases, in order. prepare: config, device, data, models and (on resume) their
  // state; returns the checkpoint resumed from, if any.
  std::unique_ptr<CheckpointReader> prepare();
  void announce(bool resumed);
  BatchLoaderOptions loader_options() const;
  // The step's micro-batches on the device, each with its own latents and augmentation draws;
  // fewer than accumulate() when the epoch ran out.
  std::vector<MicroBatch> next_micro_batches(BatchLoader& loader);
  // One optimiser step of D (and of G on its turn) and the EMA; `*stop` gets the reason every
  // rank agreed to stop for, or "".
  StepStats train_step(std::vector<MicroBatch>& micro, CriticOptions& critic, std::string* stop);
  // Rank 0's end of an epoch: metrics line, checkpoints, evaluation, plots, callbacks.
  void finish_epoch(int64_t epoch, int64_t epochs, const RunningMeans& means, Curve& curve,
                    double seconds);
  TrainResult stopped(const std::string& reason, int64_t epochs_done) const;
  void open_data();
  void build_models();
  void restore(const CheckpointReader& reader);
  // Records the position (epoch in progress, batches of it done) with the state.
  void save(const std::vector<std::string>& paths, int64_t epoch, int64_t batch);
  torch::Tensor sample_fixed();  // [C*K, M, F] log1p
  nlohmann::json end_epoch(int64_t epoch, const RunningMeans& means, Curve& curve, double seconds,
                           int64_t batches_run);
  std::string stop_reason() const;
  // Counts steps in a row with a non-finite loss or gradient (skipped by gan_step): warns at the
  // first of a run and throws TrainingError at --max-bad-steps.
  void check_finite(const StepStats& stats);
  void status(const std::string& text) const {
    if (o_.callbacks.on_status) o_.callbacks.on_status(text);
  }

  const TrainerOptions& o_;
  RunDir run_;
  Config config_;
  torch::Device device_{torch::kCPU};
  Precision precision_;
  GanLoss loss_ = GanLoss::Bce;
  AugmentPolicy augment_;
  std::unique_ptr<SpectrogramCache> cache_;
  std::string cache_dir_;
  Normalisation norm_;
  ModelSpec spec_;
  GanNets nets_;
  std::shared_ptr<GeneratorBase> ema_;
  at::Generator rng_;                 // latents of training steps (shard 0's: see ParallelRun)
  std::unique_ptr<ParallelRun> par_;  // this process's share of a data-parallel step
  torch::Tensor fixed_z_, fixed_labels_;
  torch::Tensor fixed_frames_;  // variable lengths: the fixed clips' lengths, drawn once
  std::vector<std::vector<int64_t>> class_frames_;  // variable lengths: per class, sorted
  std::vector<int> bucket_widths_;                  // variable lengths: ascending
  OutputStats real_stats_;
  double silence_in_model_ = 0;  // a silent log-mel value after normalisation (augmentation fill)
  int64_t epoch_ = 0, batch_ = 0, step_ = 0;
  // Steps in a row whose update was skipped for a NaN/Inf (check_finite). While it is > 0 no
  // checkpoint is written, so last.pt stays the last state reached by good steps.
  int64_t bad_in_a_row_ = 0;
  Clock::time_point started_ = Clock::now();
};

void Session::open_data() {
  const Dataset dataset = scan_dataset(o_.data_root, "train");
  if (!dataset.not_audio.empty() && o_.callbacks.on_warning) {
    o_.callbacks.on_warning(std::to_string(dataset.not_audio.size()) +
                            " files skipped (not audio by extension), e.g. " +
                            dataset.not_audio.front().path);
  }
  status("spectrogram cache: checking " + std::to_string(dataset.files.size()) + " files");
  TrainConfig& t = config_.train;
  const bool fitted = config_.frontend.frames == 0;
  const std::string asked = t.lengths;
  // What variable lengths support today (config validation refuses "variable" elsewhere).
  const bool one_process = !o_.group || o_.group->size() == 1;
  const bool variable_supported =
      t.arch == "default" && t.balance == "none" && t.accumulate == 1 && one_process;
  CacheBuildReport probe_report;
  const TrainingLengths chosen = resolve_training_lengths(
      dataset, config_.frontend, t.arch, t.lengths, variable_supported, o_.cache_dir, t.threads,
      o_.callbacks.on_cache_progress, &probe_report);
  config_.frontend = chosen.frontend;
  t.lengths = chosen.lengths;  // recorded resolved in the run's config
  if (asked == "auto" && chosen.longest_fit > 0) {
    status("clip lengths: auto chose " + t.lengths + ": the longest clips (" +
           percentile_name(kLongestFitQuantile) + ") need " + std::to_string(chosen.longest_fit) +
           " frames, the fixed fit " + std::to_string(chosen.fixed_fit) +
           " (variable when within " + std::to_string(static_cast<int>(kAutoVariableMaxRatio)) +
           "x)");
  }
  if (fitted) {
    status(
        "frames: " + std::to_string(config_.frontend.frames) +
        (t.arch == "seed" ? " (the seed design's length)"
         : t.lengths == "variable"
             ? " (the longest clip: " + percentile_name(kLongestFitQuantile) +
                   " of the clips' sound length)"
             : " (fitted: " + percentile_name(kFrameFitQuantile) + " of the clips' sound length)"));
  }
  CacheBuildReport report;
  cache_ = std::make_unique<SpectrogramCache>(
      SpectrogramCache::build(dataset, config_.frontend, o_.cache_dir, config_.train.threads,
                              o_.callbacks.on_cache_progress, &report));
  for (const auto& failed : report.failed) {
    if (o_.callbacks.on_warning) o_.callbacks.on_warning(failed.path + ": " + failed.reason);
  }
  status("spectrogram cache: " + std::to_string(cache_->size()) + " clips, " +
         std::to_string(report.reused) + " reused, " + std::to_string(report.computed) +
         " computed");
  if (cache_->size() == 0) throw DataError("train: no usable clip in " + o_.data_root);
  if (config_.train.lengths == "variable") {
    const int classes = static_cast<int>(cache_->class_names().size());
    class_frames_ =
        class_lengths(cache_->content_frames(), cache_->labels(), classes, config_.frontend.frames);
    bucket_widths_ =
        bucket_widths(cache_->content_frames(), config_.frontend.frames, config_.train.buckets);
    std::string widths;
    for (const int w : bucket_widths_) widths += (widths.empty() ? "" : ", ") + std::to_string(w);
    // The cache holds each clip cut to `frames`, so a cut clip's measured length is `frames`:
    // counting lengths above it would always give 0.
    const int64_t cut = (cache_->content_frames() >= config_.frontend.frames).sum().item<int64_t>();
    status("clip lengths: variable, buckets of " + widths + " frames; " + std::to_string(cut) +
           " clips sound up to the last of the " + std::to_string(config_.frontend.frames) +
           " frames (their tails, if longer, are cut)");
  }
}

void Session::build_models() {
  const auto& t = config_.train;
  spec_.arch = t.arch;
  spec_.num_classes = static_cast<int>(cache_->class_names().size());
  spec_.latent = t.latent;
  spec_.width = t.width;
  spec_.n_mels = config_.frontend.n_mels;
  spec_.frames = config_.frontend.frames;
  if (spec_.frames <= 0) {
    throw ConfigError(
        "train: --frames must be > 0 for training (every spectrogram the same "
        "length), got " +
        std::to_string(spec_.frames));
  }
  spec_.attention = t.attention_rows();
  spec_.variable_length = t.lengths == "variable";
  spec_.spectral_norm = t.resolved_spectral_norm();
  if (spec_.variable_length) spec_.length_buckets = bucket_widths_;
  check_attention_memory(spec_, t.batch);
  torch::manual_seed(t.seed);
  nets_.g = make_generator(spec_);
  nets_.d = make_discriminator(spec_);
  nets_.g->to(device_);
  nets_.d->to(device_);
  if (t.ema_decay > 0) {
    ema_ = make_generator(spec_);
    ema_->to(device_);
    copy_weights(*ema_, *nets_.g);
    ema_->eval();
  }
  auto adam = [&](std::vector<torch::Tensor> params, double lr) {
    return std::make_unique<torch::optim::Adam>(
        params, torch::optim::AdamOptions(lr).betas(std::make_tuple(t.beta1, t.beta2)));
  };
  nets_.opt_g = adam(nets_.g->parameters(), t.lr_g);
  nets_.opt_d = adam(nets_.d->parameters(), t.lr_d);
  GradScalerOptions scaler;
  scaler.enabled = precision_.name == "fp16";
  nets_.scaler_g = GradScaler(scaler);
  nets_.scaler_d = GradScaler(scaler);
  rng_ = at::make_generator<at::CPUGeneratorImpl>(t.seed);
  // Fixed latents for plots and the monitor: their own generator, so they never shift the
  // training stream and every epoch shows the same points of latent space.
  auto fixed = at::make_generator<at::CPUGeneratorImpl>(t.seed ^ 0x5eedf1eedull);
  const int64_t k = std::max(1, o_.monitor_per_class);
  fixed_z_ = torch::randn({spec_.num_classes * k, spec_.latent}, fixed, torch::kFloat);
  fixed_labels_ = torch::arange(spec_.num_classes, torch::kLong).repeat_interleave(k);
  if (spec_.variable_length) fixed_frames_ = draw_frames(class_frames_, fixed_labels_, fixed);
}

void Session::restore(const CheckpointReader& reader) {
  const auto& meta = reader.meta();
  check_checkpoint_matches_data(meta, *cache_, reader.path());
  reader.load_module("generator", *nets_.g);
  reader.load_module("discriminator", *nets_.d);
  if (ema_ && meta.has_ema) reader.load_module("ema_generator", *ema_);
  reader.load_optimizer("optimizer_g", *nets_.opt_g);
  reader.load_optimizer("optimizer_d", *nets_.opt_d);
  nets_.scaler_g.load_state(meta.scaler_g);
  nets_.scaler_d.load_state(meta.scaler_d);
  rng_.set_state(reader.tensor("rng_train"));
  default_cpu_generator().set_state(reader.tensor("rng_global"));
  norm_ = meta.normalisation;
  epoch_ = meta.epoch;
  batch_ = meta.batch_in_epoch;
  step_ = meta.step;
}

void Session::save(const std::vector<std::string>& paths, int64_t epoch, int64_t batch) {
  if (bad_in_a_row_ > 0) return;
  if (!par_->root()) return;  // every rank holds the same weights; rank 0 writes them
  CheckpointMeta meta;
  meta.epoch = epoch;
  meta.batch_in_epoch = batch;
  meta.step = step_;
  meta.config_toml = config_.to_toml();
  meta.class_names = cache_->class_names();
  meta.frontend = cache_->frontend().to_string();
  meta.normalisation = norm_;
  meta.spec = spec_;
  meta.has_ema = ema_ != nullptr;
  meta.data_root = o_.data_root;
  meta.cache_dir = o_.cache_dir;
  meta.scaler_g = nets_.scaler_g.state();
  meta.scaler_d = nets_.scaler_d.state();
  meta.class_frames = class_frames_;
  CheckpointWriter writer;
  writer.add_module("generator", *nets_.g);
  writer.add_module("discriminator", *nets_.d);
  if (ema_) writer.add_module("ema_generator", *ema_);
  writer.add_optimizer("optimizer_g", *nets_.opt_g);
  writer.add_optimizer("optimizer_d", *nets_.opt_d);
  writer.add_tensor("rng_train", rng_.get_state());
  writer.add_tensor("rng_global", default_cpu_generator().get_state());
  // Samples per step, so that a resume at another world size or accumulation finds its place.
  writer.add_tensor("global_batch",
                    torch::tensor({static_cast<int64_t>(config_.train.batch) * par_->shards()}));
  writer.commit(paths, meta);
}

torch::Tensor Session::sample_fixed() {
  torch::NoGradGuard no_grad;
  auto& g = ema_ ? ema_ : nets_.g;
  const bool was_training = g->is_training();
  g->eval();
  std::vector<torch::Tensor> parts;
  for (int64_t i = 0; i < fixed_z_.size(0); i += 32) {
    const int64_t n = std::min<int64_t>(32, fixed_z_.size(0) - i);
    auto z = fixed_z_.narrow(0, i, n).to(device_);
    auto labels = fixed_labels_.narrow(0, i, n).to(device_);
    const auto out =
        fixed_frames_.defined()
            ? g->forward_lengths(z, labels, fixed_frames_.narrow(0, i, n).to(device_), spec_.frames)
            : g->forward(z, labels);
    parts.push_back(norm_.from_model(out).squeeze(1).cpu());  // [n, M, F]
  }
  g->train(was_training);
  return torch::cat(parts);
}

nlohmann::json Session::end_epoch(int64_t epoch, const RunningMeans& m, Curve& curve,
                                  double seconds, int64_t batches_run) {
  nlohmann::json line = {
      {"epoch", epoch},
      {"epochs", config_.train.resolved_epochs()},
      {"step", step_},
      {"loss_g", m.mean_loss_g()},
      {"loss_d", m.mean(m.loss_d)},
      {"d_real", m.mean(m.d_real)},
      {"d_fake", m.mean(m.d_fake)},
      {"skipped_steps", m.skipped},
      {"g_steps", m.g_count},
      {"gradient_penalty", m.mean(m.penalty)},
      {"seconds", seconds},
      {"samples_per_s", seconds > 0 ? batches_run * config_.train.batch / seconds : 0.0},
      {"amp", precision_.name},
      {"device", device_.str()},
      {"loss_scale_g", nets_.scaler_g.current_scale()},
      {"loss_scale_d", nets_.scaler_d.current_scale()}};
  curve.flush(step_);
  line["curve"] = curve.json;
  // The monitor and the outputs must not move the training RNG streams.
  const auto global_state = default_cpu_generator().get_state();
  auto generated = sample_fixed();  // [C*K, M, F]
  CollapseThresholds thresholds;
  thresholds.silence_threshold = silence_threshold_for(norm_.high);
  const int classes = spec_.num_classes;
  auto report = check_collapse(
      measure_outputs(generated, fixed_labels_, classes, thresholds.silence_threshold), real_stats_,
      classes, thresholds);
  line["monitor"] = report.to_json();
  line["warnings"] = report.warnings;
  if (o_.epoch_outputs) {
    const int64_t k = std::max(1, o_.monitor_per_class);
    auto first =
        generated.index({torch::indexing::Slice(torch::indexing::None, torch::indexing::None, k)});
    dsp::GriffinLimOptions gl;
    gl.iterations = o_.griffin_lim_iterations;
    const dsp::MelVocoder vocoder =
        o_.vocoder ? o_.vocoder : dsp::griffin_lim_vocoder(config_.frontend, gl);
    write_epoch_samples(run_, epoch, first, cache_->class_names(), config_.frontend, norm_.high,
                        vocoder, config_.train.seed);
  }
  default_cpu_generator().set_state(global_state);
  return line;
}

void Session::check_finite(const StepStats& stats) {
  int64_t& bad_in_a_row = bad_in_a_row_;
  if (!stats.non_finite) {
    bad_in_a_row = 0;
    return;
  }
  ++bad_in_a_row;
  std::ostringstream losses;
  losses << "D loss " << stats.loss_d << ", G loss " << (stats.updated_g ? stats.loss_g : 0.0);
  if (bad_in_a_row == 1 && o_.callbacks.on_warning) {
    o_.callbacks.on_warning("step " + std::to_string(step_) + ": non-finite loss or gradient (" +
                            losses.str() + "); the update was skipped");
  }
  if (bad_in_a_row >= config_.train.max_bad_steps) {
    throw TrainingError("train: " + std::to_string(bad_in_a_row) +
                        " steps in a row had a non-finite loss or gradient (last at step " +
                        std::to_string(step_) + ": " + losses.str() +
                        "); stopped. The weights were not updated by those steps; " +
                        run_.last_checkpoint() +
                        " holds the last checkpoint. Lower the learning rates (--lr) or try "
                        "--amp off; --max-bad-steps sets how many are tolerated");
  }
}

std::string Session::stop_reason() const {
  const auto& t = config_.train;
  if (o_.stop && o_.stop->load()) return "signal";
  if (t.max_steps > 0 && step_ >= t.max_steps) return "max_steps";
  if (t.time_budget_s > 0 && seconds_since(started_) >= t.time_budget_s) return "time_budget";
  return "";
}

std::unique_ptr<CheckpointReader> Session::prepare() {
  const bool resume = o_.resume;
  std::unique_ptr<CheckpointReader> reader;
  // On resume the caller passes the checkpoint's config (read_resume_info), possibly with other
  // epochs, max_steps or time budget.
  if (resume) reader = std::make_unique<CheckpointReader>(run_.last_checkpoint());
  config_ = o_.config;
  // A resumed run's config was resolved when the run started.
  if (!resume) config_.train.apply_loss_defaults();
  config_.validate();
  configure_threads(config_.train.threads);
  device_ = resolve_device(config_.train.device);
  // One GPU per process: torchrun's LOCAL_RANK picks it.
  if (o_.group && o_.group->size() > 1 && device_.is_cuda()) {
    device_ = torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(o_.group->local_rank()));
  }
  par_ = std::make_unique<ParallelRun>(o_.group, config_.train.accumulate, config_.train.seed,
                                       device_);
  precision_ = make_precision(resolve_amp(config_.train.amp, device_), device_);
  loss_ = parse_gan_loss(!config_.train.loss.empty()    ? config_.train.loss
                         : config_.train.arch == "seed" ? "bce"
                                                        : "hinge");
  if (config_.train.augment != "auto") AugmentPolicy::parse(config_.train.augment);  // early
  if (par_->root()) run_.create();  // rank 0 alone writes the run folder
  par_->root_first("spectrogram cache", [this] { open_data(); });
  // Checkpoints record the resolved policy, so "auto" on resume comes from a checkpoint written
  // before the setting existed: that run trained without augmentation and goes on so.
  config_.train.augment = resume && config_.train.augment == "auto"
                              ? "none"
                              : config_.train.resolved_augment(cache_->size());
  augment_ = AugmentPolicy::parse(config_.train.augment);
  if (!resume) norm_ = compute_normalisation(cache_->spectrograms());
  build_models();
  if (reader) {
    restore(*reader);
    // A run resumed at another world size or accumulation continues where its epoch stopped.
    const int64_t saved_global = reader->has("global_batch")
                                     ? reader->tensor("global_batch").item<int64_t>()
                                     : config_.train.batch;
    batch_ = resume_step_in_epoch(batch_, saved_global,
                                  static_cast<int64_t>(config_.train.batch) * par_->shards());
  }
  par_->attach(nets_, ema_.get());
  silence_in_model_ = norm_.to_model(torch::zeros({1})).item<double>();
  return reader;
}

void Session::announce(bool resumed) {
  std::ostringstream mode_seeking;
  mode_seeking << config_.train.resolved_mode_seeking();
  status("device " + device_.str() + ", amp " + precision_.name + ", loss " + to_string(loss_) +
         ", mode seeking " + mode_seeking.str() + ", augment " + config_.train.augment +
         ", balance " + config_.train.balance + ", " +
         std::to_string(cache_->class_names().size()) + " classes, normalisation " +
         norm_.to_string());
  const std::string norm_warning =
      per_rank_batch_norm_warning(config_.train.batch, static_cast<int>(par_->shards()));
  if (!norm_warning.empty() && o_.callbacks.on_warning) o_.callbacks.on_warning(norm_warning);
  if (resumed) {
    status("resuming at epoch " + std::to_string(epoch_ + 1) + ", batch " + std::to_string(batch_) +
           ", step " + std::to_string(step_));
  }
}

BatchLoaderOptions Session::loader_options() const {
  BatchLoaderOptions options;
  options.batch = config_.train.batch;
  options.seed = config_.train.seed;
  options.pin_memory = device_.is_cuda();
  options.balance_classes = config_.train.balance == "classes";
  options.shards = par_->shards();
  options.first_shard = par_->first_shard();
  options.local_shards = par_->accumulate();
  options.bucket_widths = bucket_widths_;
  return options;
}

std::vector<MicroBatch> Session::next_micro_batches(BatchLoader& loader) {
  // D's augmentation draws from the latents' generator (each micro-batch's own: see
  // ParallelRun::micro_batch_rng), which checkpoints save, so a resumed run draws what a
  // straight one would.
  const bool non_blocking = device_.is_cuda();
  std::vector<MicroBatch> micro;
  Batch batch;
  for (int k = 0; k < par_->accumulate() && loader.next(batch); ++k) {
    MicroBatch m;
    m.rng = par_->micro_batch_rng(k, step_, rng_);
    m.real = norm_.to_model(batch.spectrograms.to(device_, non_blocking));
    m.labels = batch.labels.to(device_, non_blocking);
    if (batch.frames.defined()) m.frames = batch.frames.to(device_, non_blocking);
    m.z = torch::randn({m.real.size(0), spec_.latent}, m.rng, torch::kFloat)
              .to(device_, non_blocking);
    if (augment_.any()) {
      m.for_d = [this, rng = m.rng](const torch::Tensor& x) mutable {
        return augment(x, augment_, silence_in_model_, rng);
      };
    }
    micro.push_back(std::move(m));
  }
  return micro;
}

StepStats Session::train_step(std::vector<MicroBatch>& micro, CriticOptions& critic,
                              std::string* stop) {
  // G moves after every critic_steps-th D update; the phase follows the step count, which
  // checkpoints keep, so a resumed run updates G on the same steps as a straight one.
  critic.update_g = (step_ + 1) % config_.train.resolved_critic_steps() == 0;
  StepStats stats =
      gan_step(nets_, loss_, precision_, micro, config_.train.resolved_mode_seeking(), critic);
  ++batch_, ++step_;
  // Every rank stops at the same step; the logged statistics are the means over ranks.
  *stop = par_->agree(stop_reason(), &stats);
  check_finite(stats);
  if (ema_ && stats.updated_g) {
    // Warm-up: a short run's EMA follows G closely instead of staying near the init.
    const double decay = std::min(config_.train.ema_decay, (1.0 + step_) / (10.0 + step_));
    ema_update(*ema_, *nets_.g, decay);
  }
  return stats;
}

void Session::finish_epoch(int64_t epoch, int64_t epochs, const RunningMeans& means, Curve& curve,
                           double seconds) {
  auto line = end_epoch(epoch, means, curve, seconds, means.count);
  if (par_->shards() > 1) {
    line["samples_per_s"] = line["samples_per_s"].get<double>() * par_->shards();
    line["data_parallel"] = par_->to_json(config_.train.batch);
  }
  save({run_.last_checkpoint(), run_.epoch_checkpoint(epoch)}, epoch_ + 1, 0);  // epoch done
  prune_epoch_checkpoints(run_, config_.train.keep_checkpoints);
  // (No epoch checkpoint while steps are being skipped for NaN/Inf: see bad_in_a_row_.)
  if (o_.evaluate && config_.train.eval_every > 0 && epoch % config_.train.eval_every == 0 &&
      bad_in_a_row_ == 0) {
    line["eval"] = o_.evaluate(run_.epoch_checkpoint(epoch), epoch);
  }
  append_json_line(run_.metrics(), line);
  if (o_.epoch_outputs) write_loss_plot(run_, read_json_lines(run_.metrics()));
  EpochEvent event{epoch, epochs, line, line["warnings"]};
  for (const auto& w : event.warnings) {
    if (o_.callbacks.on_collapse_warning) {
      o_.callbacks.on_collapse_warning(epoch, w);
    } else if (o_.callbacks.on_warning) {
      o_.callbacks.on_warning("epoch " + std::to_string(epoch) + ": generator output: " + w);
    }
  }
  if (o_.callbacks.on_epoch) o_.callbacks.on_epoch(event);
}

TrainResult Session::stopped(const std::string& reason, int64_t epochs_done) const {
  TrainResult result;
  result.run_dir = run_.root;
  result.checkpoint = run_.last_checkpoint();
  result.epochs_done = epochs_done;
  result.step = step_;
  result.stopped_by = reason;
  return result;
}

TrainResult Session::run() {
  const std::unique_ptr<CheckpointReader> reader = prepare();
  announce(reader != nullptr);
  if (par_->root()) config_.save(run_.config());
  {
    auto [mels, labels] = real_sample(*cache_, std::max(1, o_.monitor_per_class));
    real_stats_ =
        measure_outputs(mels, labels, spec_.num_classes, silence_threshold_for(norm_.high));
  }
  BatchLoader loader(*cache_, loader_options());
  const int64_t per_epoch = loader.batches_per_epoch();
  if (per_epoch == 0) {
    throw DataError("train: " + std::to_string(cache_->size()) + " clips make no full batch of " +
                    std::to_string(config_.train.batch * par_->shards()) +
                    (par_->shards() > 1 ? " (--batch x --accumulate x WORLD_SIZE)" : "") +
                    "; lower --batch");
  }
  const int64_t epochs = config_.train.resolved_epochs();  // 0 = no limit (time budget)
  CriticOptions critic;
  critic.gp_weight = config_.train.gp_weight;
  critic.drift = config_.train.drift;
  critic.rng = rng_;
  double last_loss_g = 0;
  for (; epochs == 0 || epoch_ < epochs; ++epoch_, batch_ = 0) {
    const int64_t epoch = epoch_ + 1;
    loader.start_epoch(epoch_, batch_);
    RunningMeans means;
    Curve curve;
    curve.every = std::max<int64_t>(1, per_epoch / 50);
    const auto epoch_start = Clock::now();
    while (batch_ < per_epoch) {
      // This process's micro-batches of the step: `accumulate` shards of the epoch's order.
      std::vector<MicroBatch> micro = next_micro_batches(loader);
      if (static_cast<int>(micro.size()) < par_->accumulate()) break;
      std::string stop;
      const StepStats stats = train_step(micro, critic, &stop);
      if (stats.updated_g) last_loss_g = stats.loss_g;
      means.add(stats);
      curve.add(stats, step_);
      if (o_.callbacks.on_step) {
        o_.callbacks.on_step({epoch, epochs, batch_, per_epoch, step_, last_loss_g, stats.loss_d,
                              stats.d_real, stats.d_fake, seconds_since(epoch_start), means.count});
      }
      if (!stop.empty() && batch_ < per_epoch) {
        save({run_.last_checkpoint()}, epoch_, batch_);
        return stopped(stop, epoch_);
      }
      if (config_.train.checkpoint_every > 0 && step_ % config_.train.checkpoint_every == 0) {
        save({run_.last_checkpoint()}, epoch_, batch_);
      }
    }
    // Rank 0 alone writes the epoch's outputs, checkpoint and metrics; the others wait for it
    // (evaluation may take longer than a collective's timeout).
    if (par_->root()) finish_epoch(epoch, epochs, means, curve, seconds_since(epoch_start));
    par_->wait_for_root("epoch " + std::to_string(epoch));
    const auto reason = par_->agree(stop_reason(), nullptr);
    if (!reason.empty() && (epochs == 0 || epoch < epochs)) return stopped(reason, epoch);
  }
  return stopped("epochs", epoch_);
}

}  // namespace

torch::Device resolve_device(const std::string& device) {
  if (device == "cpu") return torch::kCPU;
  if (device == "cuda") {
    if (!torch::cuda::is_available()) {
      throw ConfigError(
          "train: --device cuda but this LibTorch build or machine has no CUDA "
          "device; use --device cpu or auto");
    }
    return torch::kCUDA;
  }
  return torch::cuda::is_available() ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
}

std::string resolve_amp(const std::string& amp, const torch::Device& device) {
  if (amp != "auto") return amp;
  if (device.is_cuda()) return "fp16";
  return cpu_has_native_bf16() ? "bf16" : "off";
}

ResumeInfo read_resume_info(const std::string& run_dir) {
  const RunDir run{run_dir};
  if (!std::filesystem::exists(run.last_checkpoint())) {
    throw IoError("train: --resume " + run_dir + ": no checkpoint at " + run.last_checkpoint() +
                  " (expected a run folder written by 'audiogan train --out')");
  }
  CheckpointReader reader(run.last_checkpoint());
  const auto& meta = reader.meta();
  ResumeInfo info;
  info.config = Config::from_toml_string(meta.config_toml, run.last_checkpoint());
  info.data_root = meta.data_root;
  info.cache_dir = meta.cache_dir;
  info.epochs_done = meta.epoch;
  info.step = meta.step;
  return info;
}

TrainResult train(const TrainerOptions& options) {
  Session session(options);
  return session.run();
}

}  // namespace audiogan
