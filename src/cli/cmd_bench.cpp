// `audiogan bench`: training-step throughput of the architectures with and without bf16 autocast,
// against a matmul peak measured in the same run; optional batch/length sweep and end-to-end
// generation timing; peak RSS. Measuring lives in perf/benchmark; this file prints.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/commands.h"
#include "core/error.h"
#include "core/threads.h"
#include "perf/benchmark.h"

namespace audiogan::cli {
namespace {

struct BenchFlags {
  BenchOptions options;
  std::string arch = "both";
  std::string amp = "both";
  int threads = 0;
  std::string json_path;
};

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::vector<std::string> expand(const std::string& value, const std::vector<std::string>& both) {
  return value == "both" ? both : std::vector<std::string>{value};
}

const StepTiming* find_step(const BenchReport& report, const std::string& arch,
                            const std::string& amp) {
  for (const auto& s : report.steps) {
    if (s.spec.arch == arch && s.amp == amp) return &s;
  }
  return nullptr;
}

void print_steps(const BenchReport& report, const BenchOptions& o) {
  const auto& peak = report.peak;
  std::cout << "matmul peak (" << peak.n << "^3, best of 3): fp32 " << fixed(peak.fp32_gflops, 1)
            << " GFLOP/s, bf16 " << fixed(peak.bf16_gflops, 1) << " GFLOP/s\n\n";
  std::cout << "training step (gan_step, loss " << o.loss << ", Adam"
            << (o.attention.empty() ? "" : ", attention " + o.attention)
            << (o.spectral_norm == "off" ? ", D without spectral norm" : "") << "), batch "
            << o.batch << ", " << o.n_mels << "x" << o.frames << ", " << o.num_classes
            << " classes, median of " << o.steps << " steps after " << o.warmup << " warm-up\n";
  std::printf("%-8s %-5s %5s %10s %10s %10s %9s %8s %8s\n", "arch", "amp", "width", "s/step",
              "samples/s", "GFLOP/step", "GFLOP/s", "%fp32pk", "%bf16pk");
  for (const auto& s : report.steps) {
    const int width = s.spec.width > 0 ? s.spec.width : default_width(s.spec.arch);
    std::printf("%-8s %-5s %5d %10.3f %10.2f %10.1f %9.1f %7.1f%% %7.1f%%\n", s.spec.arch.c_str(),
                s.amp.c_str(), width, s.seconds_per_step, s.samples_per_second,
                s.flops_per_step / 1e9, s.gflops_per_second,
                100 * s.gflops_per_second / peak.fp32_gflops,
                100 * s.gflops_per_second / peak.bf16_gflops);
  }
  std::cout.flush();
  // default/seed at equal AMP, then the comparison: default bf16 vs seed fp32.
  bool any = false;
  for (const char* amp : {"off", "bf16"}) {
    const auto *d = find_step(report, "default", amp), *s = find_step(report, "seed", amp);
    if (d && s) {
      std::cout << (any ? "" : "\n") << "default/seed samples/s, both " << amp << ": "
                << fixed(d->samples_per_second / s->samples_per_second, 2) << "x\n";
      any = true;
    }
  }
  const auto *d = find_step(report, "default", "bf16"), *s = find_step(report, "seed", "off");
  if (d && s) {
    const double ratio = d->samples_per_second / s->samples_per_second;
    std::cout << "default bf16 / seed fp32 (as the seeds run it) samples/s: " << fixed(ratio, 2)
              << "x (target >= 4x: " << (ratio >= 4 ? "met" : "missed") << ")\n";
  }
}

void print_sweep(const BenchReport& report, const BenchOptions& o) {
  std::cout << "\nsweep (median of " << o.sweep_steps << " step(s) after 1 warm-up; s/sample flat"
            << " = linear scaling)\n";
  std::printf("%-8s %-5s %6s %7s %10s %10s %10s\n", "arch", "amp", "batch", "frames", "s/step",
              "samples/s", "ms/sample");
  for (const auto& p : report.sweep) {
    std::printf("%-8s %-5s %6d %7d %10.3f %10.2f %10.1f\n", p.arch.c_str(), p.amp.c_str(), p.batch,
                p.frames, p.seconds_per_step, p.samples_per_second, 1000 * p.seconds_per_sample);
  }
}

// The operators that take the most self time, per profiled arch x amp.
void print_profiles(const BenchReport& report) {
  constexpr size_t kRows = 15;
  for (const auto& p : report.profiles) {
    const double per_step = p.profile.wall_seconds / p.steps;
    std::cout << "\nprofile: " << p.arch << " " << p.amp << ", " << fixed(per_step, 3)
              << " s/step (" << p.steps << " step(s)); operators by self time per step\n";
    std::printf("  %-56s %7s %9s %7s\n", "operator", "calls", "ms/step", "share");
    double shown = 0;
    for (size_t i = 0; i < p.profile.by_self.size() && i < kRows; ++i) {
      const auto& op = p.profile.by_self[i];
      shown += op.self_seconds;
      std::printf("  %-56.56s %7lld %9.1f %6.1f%%\n", op.name.c_str(),
                  static_cast<long long>(op.calls / p.steps), 1000 * op.self_seconds / p.steps,
                  100 * op.self_seconds / p.profile.wall_seconds);
    }
    std::printf("  %-56s %7s %9.1f %6.1f%%\n", "(all other operators and untraced time)", "",
                1000 * (p.profile.wall_seconds - shown) / p.steps,
                100 * (p.profile.wall_seconds - shown) / p.profile.wall_seconds);
  }
}

void print_generation(const GenerationTiming& g, const std::string& arch) {
  std::cout << "\ngeneration (" << arch << " G fp32 forward + log_mel_to_audio " << g.iterations
            << " Griffin-Lim iterations + 16-bit WAV write), clips of " << fixed(g.clip_seconds, 2)
            << " s\n"
            << "  one clip: " << fixed(g.one_clip_seconds, 3) << " s (G "
            << fixed(g.one_clip_forward_seconds, 3) << " s, vocoder "
            << fixed(g.one_clip_vocoder_seconds, 3) << " s, WAV "
            << fixed(g.one_clip_write_seconds, 4)
            << " s); target <= 0.5 s: " << (g.one_clip_seconds <= 0.5 ? "met" : "missed") << "\n"
            << "  batch of " << g.batch << ": " << fixed(g.batch_seconds, 3) << " s, "
            << fixed(g.batch_per_clip_seconds, 3) << " s per clip, " << fixed(g.speedup, 2)
            << "x faster per clip than one at a time; target >= 5x: "
            << (g.speedup >= 5 ? "met" : "missed") << "\n";
}

void print_vocoders(const VocoderTiming& v) {
  const auto real_time = [&](double seconds) { return fixed(v.audio_seconds / seconds, 1); };
  std::cout << "\nvocoders, log-mel of " << fixed(v.audio_seconds, 2) << " s (" << v.frames
            << " frames) -> audio\n"
            << "  Griffin-Lim, " << v.iterations
            << " iterations: " << fixed(v.griffin_lim_seconds, 4) << " s ("
            << real_time(v.griffin_lim_seconds) << "x real time)\n"
            << "  learned (train-vocoder, dim " << v.learned_dim << ", " << v.learned_blocks
            << " blocks, " << fixed(v.learned_gmac_per_audio_second, 2)
            << " GMAC per audio second): " << fixed(v.learned_seconds, 4) << " s ("
            << real_time(v.learned_seconds) << "x real time); target >= 20x real time and "
            << "faster than Griffin-Lim: "
            << (v.audio_seconds / v.learned_seconds >= 20 &&
                        v.learned_seconds < v.griffin_lim_seconds
                    ? "met"
                    : "missed")
            << "\n";
  for (const auto& h : v.hifigan) {
    std::cout << "  HiFi-GAN " << h.configuration << " generator ("
              << fixed(h.gmac_per_audio_second, 2)
              << " GMAC per audio second): " << fixed(h.seconds, 4) << " s ("
              << real_time(h.seconds) << "x real time)\n";
  }
}

void run_bench(BenchFlags flags) {
  auto& o = flags.options;
  o.archs = expand(flags.arch, {"seed", "default"});
  o.amps = expand(flags.amp, {"off", "bf16"});
  // --generation and --vocoders time those (and --sweep) only
  if (o.generation || o.vocoders) o.training = false;
  o.validate();
  const int threads = configure_threads(flags.threads);
  std::cout << "audiogan bench: " << threads << " intra-op threads\n";
  const auto report =
      run_benchmark(o, [](const std::string& line) { std::cerr << "  ... " << line << std::endl; });
  if (o.training) print_steps(report, o);
  if (o.sweep) print_sweep(report, o);
  if (o.profile) print_profiles(report);
  if (report.has_generation) {
    print_generation(report.generation, flags.arch == "both" ? std::string("default") : flags.arch);
  }
  if (report.has_vocoders) print_vocoders(report.vocoders);
  std::cout << "\npeak RSS: " << fixed(report.peak_rss_bytes / (1024.0 * 1024.0), 1) << " MiB\n";
  if (!flags.json_path.empty()) {
    std::ofstream out(flags.json_path);
    out << bench_report_json(report).dump(2) << "\n";
    if (!out) throw IoError("bench: cannot write --json " + flags.json_path);
    std::cout << "wrote " << flags.json_path << "\n";
  }
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto flags = std::make_shared<BenchFlags>();
  auto& o = flags->options;
  auto* c = app.add_subcommand(
      "bench",
      "Measure training-step throughput (real gan_step with Adam on random data) against a matmul "
      "peak from the same run, optionally step time vs batch/length and generation time.\n"
      "Example: audiogan bench --arch both --amp both --steps 3");
  c->add_option("--arch", flags->arch, "Architecture(s) to time")
      ->check(CLI::IsMember({"seed", "default", "both"}))
      ->capture_default_str();
  c->add_option("--width", o.width, "Channel width multiplier; 0 = each arch's default")
      ->capture_default_str();
  c->add_option("--batch", o.batch, "Batch size, [1, inf)")->capture_default_str();
  c->add_option("--frames", o.frames, "Spectrogram frames, multiple of 16")->capture_default_str();
  c->add_option("--n-mels", o.n_mels, "Mel bins, multiple of 16")->capture_default_str();
  c->add_option("--classes", o.num_classes, "Number of classes, [1, inf)")->capture_default_str();
  c->add_option("--loss", o.loss,
                "GAN loss of the timed steps; wgan-gp times a full step with its gradient penalty")
      ->check(CLI::IsMember({"bce", "hinge", "wgan-gp"}))
      ->capture_default_str();
  c->add_option("--attention", o.attention,
                "Self-attention at these stage heights, as train's --attention; empty = none")
      ->capture_default_str();
  c->add_option("--spectral-norm", o.spectral_norm,
                "The default D's spectral norm, as train's --spectral-norm {auto, off}")
      ->check(CLI::IsMember({"auto", "off"}))
      ->capture_default_str();
  c->add_option("--amp", flags->amp, "Autocast mode(s): off = fp32, bf16 = CPU bf16 autocast")
      ->check(CLI::IsMember({"off", "bf16", "both"}))
      ->capture_default_str();
  c->add_option("--steps", o.steps, "Timed training steps (median reported), [1, inf)")
      ->capture_default_str();
  c->add_option("--warmup", o.warmup, "Untimed steps before timing, [0, inf)")
      ->capture_default_str();
  c->add_option("--peak-n", o.peak_n, "Matmul size for the peak, [64, inf)")->capture_default_str();
  c->add_flag("--sweep", o.sweep, "Also time steps at batch 8/16/32/64 and at 256/512/1024 frames");
  c->add_option("--sweep-steps", o.sweep_steps, "Timed steps per sweep point, [1, inf)")
      ->capture_default_str();
  c->add_flag("--profile", o.profile,
              "Also profile each arch x amp training step by operator (self time, forward and "
              "backward nodes)");
  c->add_option("--profile-steps", o.profile_steps, "Profiled steps after 1 warm-up, [1, inf)")
      ->capture_default_str();
  c->add_flag("--generation", o.generation,
              "Time generation end to end (G + inverse mel + Griffin-Lim + WAV) for one clip and "
              "a batch, instead of the training-step table");
  c->add_option("--generation-batch", o.generation_batch, "Clips in the batched generation")
      ->capture_default_str();
  c->add_option("--generation-iterations", o.generation_iterations, "Griffin-Lim iterations")
      ->capture_default_str();
  c->add_flag("--vocoders", o.vocoders,
              "Time log-mel -> audio with Griffin-Lim (--generation-iterations), the learned "
              "vocoder at train-vocoder's default size and HiFi-GAN's V1-V3 generators, instead "
              "of the training-step table");
  c->add_option("--vocoder-seconds", o.vocoder_seconds,
                "Audio length of the log-mel --vocoders times, (0, 600]")
      ->capture_default_str();
  add_threads_flag(*c, flags->threads);
  c->add_option("--json", flags->json_path, "Also write every figure to this JSON file");
  c->callback([flags] { run_bench(*flags); });
}

}  // namespace audiogan::cli
