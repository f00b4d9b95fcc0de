// Throughput measurements behind `audiogan bench`: real GAN training steps (gan_step with Adam on
// random data of the training shape), a matmul peak taken in the same process to compare them
// against, step time against batch size and spectrogram length, and end-to-end generation
// (G forward + inverse mel + Griffin-Lim + WAV write), and Griffin-Lim against the learned
// vocoder. Measures only; the CLI prints.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/gan_models.h"
#include "perf/op_profile.h"
#include "train/losses.h"

namespace audiogan {

// One training-step measurement: `steps` timed steps after `warmup` untimed ones.
struct StepTiming {
  ModelSpec spec;
  int batch = 0;
  std::string amp = "off";  // {off, bf16}
  GanLoss loss = GanLoss::Bce;
  std::vector<double> step_seconds;  // every timed step, in order
  double seconds_per_step = 0;       // median of step_seconds
  double samples_per_second = 0;     // batch / seconds_per_step
  double flops_per_step = 0;         // count_flops(spec, batch).training_step()
  double gflops_per_second = 0;      // flops_per_step / seconds_per_step / 1e9
};

// Runs gan_step (BCE loss unless `loss` says otherwise, Adam lr 2e-4 betas 0.5/0.999 as the
// seeds) on uniform random "real" spectrograms [batch, 1, n_mels, frames] in [-1, 1] with random
// labels; a fresh latent batch per step. amp is "off" or "bf16" (CPU autocast). Every timed step
// updates G and D; under WganGp it includes the gradient penalty, so it times the full step
// and not the cheaper critic-only steps between. Throws ConfigError for a bad shape or amp.
StepTiming time_training_step(const ModelSpec& spec, int batch, const std::string& amp, int warmup,
                              int steps, GanLoss loss = GanLoss::Bce);

// The same step as time_training_step, `steps` times after `warmup`, under profile_operators:
// where the time goes, operator by operator (forward and autograd backward nodes).
OperatorProfile profile_training_step(const ModelSpec& spec, int batch, const std::string& amp,
                                      int warmup, int steps);

// Best-of-`repeats` rate of an [n, n] x [n, n] matmul in fp32 and in bf16, in GFLOP/s.
struct MatmulPeak {
  int n = 0;
  double fp32_gflops = 0;
  double bf16_gflops = 0;
};
MatmulPeak measure_matmul_peak(int n, int repeats);

// End-to-end generation with an untrained generator of `spec` (same cost as a trained one):
// G forward in fp32 without autograd (as Sampler runs it), log-mel -> audio with `iterations`
// Griffin-Lim iterations, and a 16-bit WAV written per clip into `scratch_dir` (removed after).
struct GenerationTiming {
  int batch = 0;                        // clips in the batched measurement
  int iterations = 0;                   // Griffin-Lim iterations
  double one_clip_seconds = 0;          // median over `repeats` single-clip runs
  double one_clip_forward_seconds = 0;  // of which G forward
  double one_clip_vocoder_seconds = 0;  // of which log_mel_to_audio
  double one_clip_write_seconds = 0;    // of which WAV write
  double batch_seconds = 0;             // the whole batch (one G forward, one batched vocoder call)
  double batch_per_clip_seconds = 0;    // batch_seconds / batch
  double speedup = 0;                   // one_clip_seconds / batch_per_clip_seconds
  double clip_seconds = 0;              // audio length of one clip
};
GenerationTiming time_generation(const ModelSpec& spec, int batch, int iterations, int repeats,
                                 const std::string& scratch_dir);

// One HiFi-GAN generator configuration's cost on the same log-mel.
struct HifiGanTiming {
  std::string configuration;  // v1, v2, v3
  double seconds = 0;         // generator forward, without autograd
  double gmac_per_audio_second = 0;
};

// Log-mel -> audio at the default front end for a log-mel of `audio_seconds`: Griffin-Lim with
// `iterations` against the learned frame-rate vocoder at train-vocoder's default size and
// HiFi-GAN's V1, V2 and V3 generators (untrained: their cost does not depend on their weights),
// each the median of `repeats` runs after a warm-up (of at most 5 for HiFi-GAN, whose runs take
// seconds on a CPU).
struct VocoderTiming {
  double audio_seconds = 0;  // frames * hop / sample_rate
  int64_t frames = 0;
  int iterations = 0;              // Griffin-Lim's
  double griffin_lim_seconds = 0;  // log_mel_to_audio
  double learned_seconds = 0;      // FrameVocoder forward + iSTFT, without autograd
  int64_t learned_dim = 0;         // the learned vocoder's size
  int64_t learned_blocks = 0;
  double learned_gmac_per_audio_second = 0;  // frame_vocoder_macs_per_frame x frames per second
  std::vector<HifiGanTiming> hifigan;
};
VocoderTiming time_vocoders(double audio_seconds, int iterations, int repeats);

// Everything `audiogan bench` measures in one run.
struct BenchOptions {
  std::vector<std::string> archs{"seed", "default"};  // each of {seed, default}
  std::vector<std::string> amps{"off", "bf16"};       // each of {off, bf16}
  std::string loss = "bce";                           // {bce, hinge, wgan-gp}
  std::string attention;               // stage heights with self-attention, as train's --attention
  std::string spectral_norm = "auto";  // {auto, off}: the default D's, as train's --spectral-norm
  int width = 0;                       // 0 = each arch's default width
  int batch = 32;                      // [1, inf)
  int n_mels = 128;                    // divisible by 16
  int frames = 512;                    // divisible by 16
  int num_classes = 10;                // [1, inf)
  int steps = 3;                       // timed steps, [1, inf)
  int warmup = 1;                      // untimed steps first, [0, inf)
  int peak_n = 2048;                   // matmul size for the peak, [64, inf)
  bool sweep = false;                  // step time vs batch and vs frames
  std::vector<int> sweep_batches{8, 16, 32, 64};
  std::vector<int> sweep_frames{256, 512, 1024};
  int sweep_steps = 1;      // timed steps per sweep point
  bool training = true;     // time training steps at all
  bool generation = false;  // time end-to-end generation
  int generation_batch = 32;
  int generation_iterations = 32;
  int generation_repeats = 3;
  bool vocoders = false;         // time Griffin-Lim against the learned vocoder
  double vocoder_seconds = 1.0;  // audio length of that log-mel, (0, 600]
  int vocoder_repeats = 20;      // timed runs of each (tens of ms each: the median needs many)
  bool profile = false;          // also profile each arch x amp step by operator
  int profile_steps = 1;
  std::string scratch_dir;  // for WAVs; empty = system temp dir
  // Throws ConfigError naming the flag that is out of range.
  void validate() const;
};

struct SweepPoint {
  std::string arch;
  std::string amp;
  int batch = 0;
  int frames = 0;
  double seconds_per_step = 0;
  double samples_per_second = 0;
  double seconds_per_sample = 0;  // seconds_per_step / batch: flat means linear scaling
};

struct ProfiledStep {
  std::string arch;
  std::string amp;
  int steps = 0;
  OperatorProfile profile;
};

struct BenchReport {
  MatmulPeak peak;
  std::vector<StepTiming> steps;  // one per arch x amp, in the order of the options
  std::vector<SweepPoint> sweep;
  std::vector<ProfiledStep> profiles;  // with BenchOptions::profile
  bool has_generation = false;
  GenerationTiming generation;
  bool has_vocoders = false;
  VocoderTiming vocoders;
  int threads = 0;             // LibTorch intra-op threads during the run
  int64_t peak_rss_bytes = 0;  // getrusage ru_maxrss at the end of the run
};

// Progress: one short line per measurement started.
using BenchProgress = std::function<void(const std::string&)>;

BenchReport run_benchmark(const BenchOptions& options, const BenchProgress& progress = {});

// The process's peak resident set size so far (getrusage ru_maxrss), in bytes.
int64_t peak_rss_bytes();

// Median of a non-empty list.
double median(std::vector<double> values);

// The report as `audiogan bench --json` writes it: every figure under a stable key.
nlohmann::json bench_report_json(const BenchReport& report);

}  // namespace audiogan
