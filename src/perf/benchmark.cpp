// Throughput measurements behind `audiogan bench` (see benchmark.h).
#include "perf/benchmark.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>

#include "audio/audio_file.h"
#include "core/config.h"
#include "core/error.h"
#include "dsp/vocoder.h"
#include "train/gan_step.h"
#include "train/normalisation.h"
#include "vocoder/frame_vocoder.h"
#include "vocoder/vocoder_checkpoint.h"
#include "vocoder/vocoder_model.h"

namespace audiogan {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

Precision precision_for(const std::string& amp) {
  if (amp == "off") return {false, at::kFloat, "off"};
  if (amp == "bf16") return {true, at::kBFloat16, "bf16"};
  throw ConfigError("bench: --amp must be off, bf16 or both, found '" + amp + "'");
}

// A scratch folder of its own under `base` (or the system temp dir), removed on scope exit.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& base) {
    std::random_device device;
    const fs::path root = base.empty() ? fs::temp_directory_path() : fs::path(base);
    path_ = root / ("audiogan-bench-" + std::to_string(device()));
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void write_clips(const torch::Tensor& audio, const fs::path& dir, int sample_rate) {
  const auto rows = audio.contiguous();  // [B, T]
  for (int64_t i = 0; i < rows.size(0); ++i) {
    const auto row = rows[i];
    const float* data = row.data_ptr<float>();
    write_wav((dir / ("clip" + std::to_string(i) + ".wav")).string(),
              std::vector<float>(data, data + row.numel()), sample_rate);
  }
}

}  // namespace

double median(std::vector<double> values) {
  if (values.empty()) throw Error("bench: median of no values");
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
}

int64_t peak_rss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<int64_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

void BenchOptions::validate() const {
  for (const auto& arch : archs) {
    if (arch != "seed" && arch != "default") {
      throw ConfigError("bench: --arch must be seed, default or both, found '" + arch + "'");
    }
  }
  for (const auto& amp : amps) precision_for(amp);
  parse_gan_loss(loss);
  auto at_least = [](int value, int low, const char* flag) {
    if (value < low) {
      throw ConfigError(std::string("bench: ") + flag + " must be >= " + std::to_string(low) +
                        ", found " + std::to_string(value));
    }
  };
  at_least(width, 0, "--width");
  at_least(batch, 1, "--batch");
  at_least(num_classes, 1, "--classes");
  at_least(steps, 1, "--steps");
  at_least(warmup, 0, "--warmup");
  at_least(peak_n, 64, "--peak-n");
  at_least(sweep_steps, 1, "--sweep-steps");
  at_least(generation_batch, 1, "--generation-batch");
  at_least(generation_iterations, 1, "--generation-iterations");
  at_least(generation_repeats, 1, "--generation-repeats");
  at_least(vocoder_repeats, 1, "vocoder repeats");
  at_least(profile_steps, 1, "--profile-steps");
  if (spectral_norm != "auto" && spectral_norm != "off") {
    throw ConfigError("bench: --spectral-norm must be auto or off, found '" + spectral_norm + "'");
  }
  if (!(vocoder_seconds > 0 && vocoder_seconds <= 600)) {
    throw ConfigError("bench: --vocoder-seconds must be in (0, 600], found " +
                      std::to_string(vocoder_seconds));
  }
  for (const auto& [value, flag] : {std::pair{n_mels, "--n-mels"}, std::pair{frames, "--frames"}}) {
    if (value < 16 || value % 16 != 0) {
      throw ConfigError(std::string("bench: ") + flag +
                        " must be a positive multiple of 16, found " + std::to_string(value));
    }
  }
}

namespace {

// G, D and their Adam optimisers as the trainer builds them (seeds' lr and betas, no scaling).
GanNets bench_nets(const ModelSpec& spec) {
  torch::manual_seed(0);
  GanNets nets;
  nets.g = make_generator(spec);
  nets.d = make_discriminator(spec);
  auto adam = [](std::vector<torch::Tensor> params) {
    return std::make_unique<torch::optim::Adam>(
        params, torch::optim::AdamOptions(2e-4).betas(std::make_tuple(0.5, 0.999)));
  };
  nets.opt_g = adam(nets.g->parameters());
  nets.opt_d = adam(nets.d->parameters());
  GradScalerOptions no_scaling;
  no_scaling.enabled = false;  // loss scaling is for fp16 only
  nets.scaler_g = GradScaler(no_scaling);
  nets.scaler_d = GradScaler(no_scaling);
  return nets;
}

}  // namespace

StepTiming time_training_step(const ModelSpec& spec, int batch, const std::string& amp, int warmup,
                              int steps, GanLoss loss) {
  const Precision precision = precision_for(amp);
  GanNets nets = bench_nets(spec);
  const auto real = torch::rand({batch, 1, spec.n_mels, spec.frames}) * 2 - 1;  // [B,1,M,F]
  const auto labels = torch::randint(spec.num_classes, {batch}, torch::kLong);  // [B]

  StepTiming timing;
  timing.spec = spec;
  timing.batch = batch;
  timing.amp = amp;
  timing.loss = loss;
  for (int i = 0; i < warmup + steps; ++i) {
    const auto z = torch::randn({batch, spec.latent});  // [B, latent]
    const auto start = Clock::now();
    gan_step(nets, loss, precision, real, labels, z);  // ends in .item(): synchronous
    const double seconds = seconds_since(start);
    if (i >= warmup) timing.step_seconds.push_back(seconds);
  }
  timing.seconds_per_step = median(timing.step_seconds);
  timing.samples_per_second = batch / timing.seconds_per_step;
  timing.flops_per_step = count_flops(spec, batch).training_step();
  timing.gflops_per_second = timing.flops_per_step / timing.seconds_per_step / 1e9;
  return timing;
}

OperatorProfile profile_training_step(const ModelSpec& spec, int batch, const std::string& amp,
                                      int warmup, int steps) {
  const Precision precision = precision_for(amp);
  GanNets nets = bench_nets(spec);
  const auto real = torch::rand({batch, 1, spec.n_mels, spec.frames}) * 2 - 1;  // [B,1,M,F]
  const auto labels = torch::randint(spec.num_classes, {batch}, torch::kLong);  // [B]
  auto step = [&] {
    gan_step(nets, GanLoss::Bce, precision, real, labels, torch::randn({batch, spec.latent}));
  };
  for (int i = 0; i < warmup; ++i) step();
  return profile_operators([&] {
    for (int i = 0; i < steps; ++i) step();
  });
}

MatmulPeak measure_matmul_peak(int n, int repeats) {
  MatmulPeak peak;
  peak.n = n;
  const double flops = 2.0 * n * n * n;
  auto best_rate = [&](at::ScalarType dtype) {
    const auto a = torch::randn({n, n}).to(dtype), b = torch::randn({n, n}).to(dtype);
    torch::mm(a, b);  // warm-up: first-call allocation and kernel selection
    double best = 0;
    for (int i = 0; i < std::max(1, repeats); ++i) {
      const auto start = Clock::now();
      const auto c = torch::mm(a, b);
      best = std::max(best, flops / seconds_since(start) / 1e9);
    }
    return best;
  };
  peak.fp32_gflops = best_rate(at::kFloat);
  peak.bf16_gflops = best_rate(at::kBFloat16);
  return peak;
}

GenerationTiming time_generation(const ModelSpec& spec, int batch, int iterations, int repeats,
                                 const std::string& scratch_dir) {
  torch::NoGradGuard no_grad;
  torch::manual_seed(0);
  auto g = make_generator(spec);
  g->eval();
  FrontendConfig frontend;
  frontend.n_mels = spec.n_mels;
  frontend.frames = spec.frames;
  frontend.validate();
  const Normalisation normalisation{0.0, 6.0};  // a typical log1p range of drum spectrograms
  dsp::GriffinLimOptions griffin_lim;
  griffin_lim.iterations = iterations;
  ScratchDir scratch(scratch_dir);

  GenerationTiming timing;
  timing.batch = batch;
  timing.iterations = iterations;
  timing.clip_seconds =
      static_cast<double>(spec.frames - 1) * frontend.hop_length / frontend.sample_rate;

  // One clip at a time, each stage timed; the first run warms up allocations and FFT plans.
  std::vector<double> totals, forwards, vocoders, writes;
  for (int i = 0; i <= repeats; ++i) {
    const auto z = torch::randn({1, spec.latent});
    const auto label = torch::zeros({1}, torch::kLong);
    const auto start = Clock::now();
    const auto log_mel = normalisation.from_model(g->forward(z, label)).squeeze(1);  // [1, M, F]
    const double forward = seconds_since(start);
    const auto audio = dsp::log_mel_to_audio(log_mel, frontend, griffin_lim);  // [1, T]
    const double vocoder = seconds_since(start) - forward;
    write_clips(audio, scratch.path(), frontend.sample_rate);
    const double total = seconds_since(start);
    if (i == 0) continue;
    totals.push_back(total);
    forwards.push_back(forward);
    vocoders.push_back(vocoder);
    writes.push_back(total - forward - vocoder);
  }
  timing.one_clip_seconds = median(totals);
  timing.one_clip_forward_seconds = median(forwards);
  timing.one_clip_vocoder_seconds = median(vocoders);
  timing.one_clip_write_seconds = median(writes);

  // The batch: one G forward, one batched inversion, one WAV per clip.
  const auto z = torch::randn({batch, spec.latent});
  const auto labels = torch::arange(batch, torch::kLong) % spec.num_classes;
  const auto start = Clock::now();
  const auto log_mels = normalisation.from_model(g->forward(z, labels)).squeeze(1);  // [B, M, F]
  write_clips(dsp::log_mel_to_audio(log_mels, frontend, griffin_lim), scratch.path(),
              frontend.sample_rate);
  timing.batch_seconds = seconds_since(start);
  timing.batch_per_clip_seconds = timing.batch_seconds / batch;
  timing.speedup = timing.one_clip_seconds / timing.batch_per_clip_seconds;
  return timing;
}

VocoderTiming time_vocoders(double audio_seconds, int iterations, int repeats) {
  torch::NoGradGuard no_grad;
  torch::manual_seed(0);
  FrontendConfig frontend;
  const VocoderConfig config;
  FrameVocoder learned = make_frame_vocoder(config, frontend);
  learned->eval();
  VocoderTiming timing;
  timing.frames = std::max<int64_t>(
      2, std::llround(audio_seconds * frontend.sample_rate / frontend.hop_length));
  timing.audio_seconds =
      static_cast<double>(timing.frames * frontend.hop_length) / frontend.sample_rate;
  timing.iterations = iterations;
  timing.learned_dim = learned->options().dim();
  timing.learned_blocks = learned->options().blocks();
  timing.learned_gmac_per_audio_second =
      static_cast<double>(frame_vocoder_macs_per_frame(learned->options())) * frontend.sample_rate /
      frontend.hop_length / 1e9;
  // A log-mel in the range real ones have (log1p of mel power, 0 .. ~6).
  const torch::Tensor log_mel = torch::rand({1, frontend.n_mels, timing.frames}) * 6.0;
  dsp::GriffinLimOptions griffin_lim;
  griffin_lim.iterations = iterations;
  std::vector<double> gl_runs, learned_runs;
  for (int i = 0; i <= repeats; ++i) {  // run 0 warms up allocations and FFT plans
    auto start = Clock::now();
    dsp::log_mel_to_audio(log_mel, frontend, griffin_lim);
    const double gl = seconds_since(start);
    start = Clock::now();
    learned->forward(log_mel, frontend);
    const double ours = seconds_since(start);
    if (i == 0) continue;
    gl_runs.push_back(gl);
    learned_runs.push_back(ours);
  }
  timing.griffin_lim_seconds = median(gl_runs);
  timing.learned_seconds = median(learned_runs);
  for (const std::string configuration : {"v1", "v2", "v3"}) {
    VocoderConfig hifigan = VocoderConfig::for_arch("hifigan");
    hifigan.hifigan = configuration;
    VocoderModel model = make_vocoder_model(hifigan, frontend);
    model->eval();
    std::vector<double> runs;
    for (int i = 0; i <= std::min(repeats, 5); ++i) {
      const auto start = Clock::now();
      model->forward(log_mel, frontend);
      if (i > 0) runs.push_back(seconds_since(start));
    }
    timing.hifigan.push_back(
        {configuration, median(runs),
         model->macs_per_frame() * frontend.sample_rate / frontend.hop_length / 1e9});
  }
  return timing;
}

BenchReport run_benchmark(const BenchOptions& options, const BenchProgress& progress) {
  options.validate();
  auto say = [&](const std::string& line) {
    if (progress) progress(line);
  };
  auto spec_for = [&](const std::string& arch, int batch_frames) {
    ModelSpec spec;
    spec.arch = arch;
    spec.width = options.width;
    spec.num_classes = options.num_classes;
    spec.n_mels = options.n_mels;
    spec.frames = batch_frames;
    TrainConfig train;
    train.arch = arch;
    train.attention = options.attention;
    train.spectral_norm = options.spectral_norm;
    spec.attention = train.attention_rows();
    spec.spectral_norm = train.resolved_spectral_norm();
    return spec;
  };
  const GanLoss loss = parse_gan_loss(options.loss);

  BenchReport report;
  report.threads = at::get_num_threads();
  if (options.training) {
    say("matmul peak, " + std::to_string(options.peak_n) + "^3 fp32 and bf16");
    report.peak = measure_matmul_peak(options.peak_n, /*repeats=*/3);
    for (const auto& arch : options.archs) {
      for (const auto& amp : options.amps) {
        say("training step: " + arch + " " + amp + ", loss " + options.loss +
            (options.attention.empty() ? "" : ", attention " + options.attention) +
            (options.spectral_norm == "off" ? ", no spectral norm" : "") + ", batch " +
            std::to_string(options.batch) + ", " + std::to_string(options.warmup) + " warm-up + " +
            std::to_string(options.steps) + " timed steps");
        report.steps.push_back(time_training_step(spec_for(arch, options.frames), options.batch,
                                                  amp, options.warmup, options.steps, loss));
      }
    }
  }
  if (options.sweep) {
    auto point = [&](const std::string& arch, const std::string& amp, int batch, int frames) {
      say("sweep: " + arch + " " + amp + ", batch " + std::to_string(batch) + ", frames " +
          std::to_string(frames));
      const auto t = time_training_step(spec_for(arch, frames), batch, amp, /*warmup=*/1,
                                        options.sweep_steps, loss);
      report.sweep.push_back({arch, amp, batch, frames, t.seconds_per_step, t.samples_per_second,
                              t.seconds_per_step / batch});
    };
    for (const auto& arch : options.archs) {
      for (const auto& amp : options.amps) {
        for (int batch : options.sweep_batches) point(arch, amp, batch, options.frames);
        for (int frames : options.sweep_frames) {
          if (frames != options.frames) point(arch, amp, options.batch, frames);
        }
      }
    }
  }
  if (options.profile) {
    for (const auto& arch : options.archs) {
      for (const auto& amp : options.amps) {
        say("profile: " + arch + " " + amp + ", " + std::to_string(options.profile_steps) +
            " step(s) after 1 warm-up");
        report.profiles.push_back(
            {arch, amp, options.profile_steps,
             profile_training_step(spec_for(arch, options.frames), options.batch, amp, 1,
                                   options.profile_steps)});
      }
    }
  }
  if (options.generation) {
    // The default arch when measured (what users generate with), else the first one.
    const auto& archs = options.archs;
    const std::string arch =
        std::find(archs.begin(), archs.end(), "default") != archs.end() ? "default" : archs[0];
    say("generation: " + arch + ", one clip x " + std::to_string(options.generation_repeats) +
        " and a batch of " + std::to_string(options.generation_batch));
    report.generation = time_generation(spec_for(arch, options.frames), options.generation_batch,
                                        options.generation_iterations, options.generation_repeats,
                                        options.scratch_dir);
    report.has_generation = true;
  }
  if (options.vocoders) {
    say("vocoders: Griffin-Lim and the learned vocoder on " +
        std::to_string(options.vocoder_seconds) + " s of audio");
    report.vocoders = time_vocoders(options.vocoder_seconds, options.generation_iterations,
                                    options.vocoder_repeats);
    report.has_vocoders = true;
  }
  report.peak_rss_bytes = peak_rss_bytes();
  return report;
}

nlohmann::json bench_report_json(const BenchReport& r) {
  nlohmann::json j;
  j["threads"] = r.threads;
  j["peak_rss_bytes"] = r.peak_rss_bytes;
  j["matmul_peak"] = {
      {"n", r.peak.n}, {"fp32_gflops", r.peak.fp32_gflops}, {"bf16_gflops", r.peak.bf16_gflops}};
  j["steps"] = nlohmann::json::array();
  for (const auto& s : r.steps) {
    j["steps"].push_back({{"arch", s.spec.arch},
                          {"amp", s.amp},
                          {"width", s.spec.width},
                          {"batch", s.batch},
                          {"n_mels", s.spec.n_mels},
                          {"frames", s.spec.frames},
                          {"loss", to_string(s.loss)},
                          {"attention", s.spec.attention},
                          {"spectral_norm", s.spec.spectral_norm},
                          {"seconds_per_step", s.seconds_per_step},
                          {"step_seconds", s.step_seconds},
                          {"samples_per_second", s.samples_per_second},
                          {"flops_per_step", s.flops_per_step},
                          {"gflops_per_second", s.gflops_per_second}});
  }
  j["sweep"] = nlohmann::json::array();
  for (const auto& p : r.sweep) {
    j["sweep"].push_back({{"arch", p.arch},
                          {"amp", p.amp},
                          {"batch", p.batch},
                          {"frames", p.frames},
                          {"seconds_per_step", p.seconds_per_step},
                          {"samples_per_second", p.samples_per_second}});
  }
  j["profiles"] = nlohmann::json::array();
  for (const auto& p : r.profiles) {
    nlohmann::json ops = nlohmann::json::array();
    for (const auto& op : p.profile.by_self) {
      ops.push_back({{"name", op.name},
                     {"calls", op.calls},
                     {"self_seconds", op.self_seconds},
                     {"total_seconds", op.total_seconds}});
    }
    j["profiles"].push_back({{"arch", p.arch},
                             {"amp", p.amp},
                             {"steps", p.steps},
                             {"wall_seconds", p.profile.wall_seconds},
                             {"operators", ops}});
  }
  if (r.has_generation) {
    const auto& g = r.generation;
    j["generation"] = {{"iterations", g.iterations},
                       {"one_clip_seconds", g.one_clip_seconds},
                       {"one_clip_forward_seconds", g.one_clip_forward_seconds},
                       {"one_clip_vocoder_seconds", g.one_clip_vocoder_seconds},
                       {"one_clip_write_seconds", g.one_clip_write_seconds},
                       {"batch", g.batch},
                       {"batch_seconds", g.batch_seconds},
                       {"batch_per_clip_seconds", g.batch_per_clip_seconds},
                       {"speedup", g.speedup}};
  }
  if (r.has_vocoders) {
    const auto& v = r.vocoders;
    j["vocoders"] = {{"audio_seconds", v.audio_seconds},
                     {"frames", v.frames},
                     {"griffin_lim_iterations", v.iterations},
                     {"griffin_lim_seconds", v.griffin_lim_seconds},
                     {"learned_seconds", v.learned_seconds},
                     {"learned_dim", v.learned_dim},
                     {"learned_blocks", v.learned_blocks},
                     {"learned_gmac_per_audio_second", v.learned_gmac_per_audio_second}};
    j["vocoders"]["hifigan"] = nlohmann::json::array();
    for (const auto& h : v.hifigan) {
      j["vocoders"]["hifigan"].push_back({{"configuration", h.configuration},
                                          {"seconds", h.seconds},
                                          {"gmac_per_audio_second", h.gmac_per_audio_second}});
    }
  }
  return j;
}

}  // namespace audiogan
