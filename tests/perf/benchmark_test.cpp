// The benchmark library on tiny shapes: sane, self-consistent figures (no assertion on speed).
#include "perf/benchmark.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "core/error.h"
#include "vocoder/vocoder_config.h"

namespace audiogan {
namespace {

ModelSpec tiny_spec(const std::string& arch) {
  ModelSpec spec;
  spec.arch = arch;
  spec.width = 4;
  spec.num_classes = 3;
  spec.n_mels = 32;
  spec.frames = 64;
  return spec;
}

TEST(Benchmark, TrainingStepTimesArePositiveAndConsistentWithFlopCount) {
  for (const std::string arch : {"seed", "default"}) {
    for (const std::string amp : {"off", "bf16"}) {
      const auto spec = tiny_spec(arch);
      const auto t = time_training_step(spec, /*batch=*/2, amp, /*warmup=*/0, /*steps=*/1);
      ASSERT_EQ(t.step_seconds.size(), 1u);
      EXPECT_TRUE(std::isfinite(t.seconds_per_step));
      EXPECT_GT(t.seconds_per_step, 0.0);
      EXPECT_DOUBLE_EQ(t.flops_per_step, count_flops(spec, 2).training_step());
      EXPECT_GT(t.flops_per_step, 0.0);
      EXPECT_DOUBLE_EQ(t.samples_per_second, 2 / t.seconds_per_step);
      EXPECT_DOUBLE_EQ(t.gflops_per_second, t.flops_per_step / t.seconds_per_step / 1e9);
      EXPECT_EQ(t.amp, amp);
    }
  }
}

TEST(Benchmark, RunBenchmarkReportsEveryCombinationSweepAndGeneration) {
  BenchOptions o;
  o.archs = {"default"};
  o.amps = {"off", "bf16"};
  o.width = 4;
  o.batch = 2;
  o.n_mels = 32;
  o.frames = 64;
  o.num_classes = 3;
  o.steps = 2;
  o.warmup = 0;
  o.peak_n = 64;
  o.sweep = true;
  o.sweep_batches = {1, 2};
  o.sweep_frames = {32, 64};
  o.generation = true;
  o.generation_batch = 2;
  o.generation_iterations = 2;
  o.generation_repeats = 1;
  o.scratch_dir = ::testing::TempDir();
  int progress_lines = 0;
  const auto r = run_benchmark(o, [&](const std::string&) { ++progress_lines; });
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_EQ(r.steps[0].amp, "off");
  EXPECT_EQ(r.steps[1].amp, "bf16");
  EXPECT_EQ(r.steps[0].step_seconds.size(), 2u);
  EXPECT_GT(r.peak.fp32_gflops, 0.0);
  EXPECT_GT(r.peak.bf16_gflops, 0.0);
  // Per arch x amp: 2 batch points + 1 frames point (64 frames is already measured).
  ASSERT_EQ(r.sweep.size(), 6u);
  for (const auto& p : r.sweep) {
    EXPECT_GT(p.seconds_per_step, 0.0);
    EXPECT_DOUBLE_EQ(p.seconds_per_sample, p.seconds_per_step / p.batch);
  }
  ASSERT_TRUE(r.has_generation);
  EXPECT_GT(r.generation.one_clip_seconds, 0.0);
  EXPECT_GT(r.generation.batch_seconds, 0.0);
  EXPECT_DOUBLE_EQ(r.generation.batch_per_clip_seconds, r.generation.batch_seconds / 2);
  EXPECT_GT(r.peak_rss_bytes, 0);
  EXPECT_GE(progress_lines, 1 + 2 + 6 + 1);
}

// --spectral-norm off times the default D without it, as train's flag trains it; the seed D
// never has it.
TEST(Benchmark, SpectralNormOffTimesThePlainDefaultD) {
  BenchOptions o;
  o.archs = {"default", "seed"};
  o.amps = {"off"};
  o.width = 4;
  o.batch = 2;
  o.n_mels = 32;
  o.frames = 32;
  o.num_classes = 3;
  o.steps = 1;
  o.warmup = 0;
  o.peak_n = 64;
  for (const std::string setting : {"auto", "off"}) {
    o.spectral_norm = setting;
    const BenchReport r = run_benchmark(o);
    ASSERT_EQ(r.steps.size(), 2u);
    EXPECT_EQ(r.steps[0].spec.spectral_norm, setting == "auto");
    EXPECT_FALSE(r.steps[1].spec.spectral_norm);
    EXPECT_EQ(bench_report_json(r)["steps"][0]["spectral_norm"], setting == "auto");
  }
  o.spectral_norm = "on";
  EXPECT_THROW(o.validate(), ConfigError);
}

TEST(Benchmark, RejectsBadOptionsNamingTheFlag) {
  BenchOptions o;
  o.frames = 100;
  try {
    o.validate();
    FAIL() << "frames 100 accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("--frames"), std::string::npos);
  }
  BenchOptions bad_amp;
  bad_amp.amps = {"fp16"};
  EXPECT_THROW(bad_amp.validate(), ConfigError);
  EXPECT_THROW(time_training_step(tiny_spec("seed"), 2, "fp8", 0, 1), ConfigError);
}

TEST(Benchmark, MedianOfOddAndEvenLists) {
  EXPECT_DOUBLE_EQ(median({3, 1, 2}), 2.0);
  EXPECT_DOUBLE_EQ(median({4, 1, 3, 2}), 2.5);
}

TEST(Benchmark, ReportJsonHoldsEveryFigureUnderItsKey) {
  BenchReport report;
  report.threads = 2;
  report.peak_rss_bytes = 1234;
  report.peak.n = 512;
  report.peak.fp32_gflops = 80.5;
  StepTiming step;
  step.spec = tiny_spec("default");
  step.batch = 8;
  step.amp = "bf16";
  step.loss = GanLoss::Hinge;
  step.step_seconds = {0.5, 0.25};
  step.seconds_per_step = 0.25;
  step.samples_per_second = 32;
  report.steps.push_back(step);
  report.sweep.push_back({"seed", "off", 4, 64, 0.5, 8});

  const nlohmann::json j = bench_report_json(report);
  EXPECT_EQ(j["threads"], 2);
  EXPECT_EQ(j["peak_rss_bytes"], 1234);
  EXPECT_EQ(j["matmul_peak"]["n"], 512);
  EXPECT_DOUBLE_EQ(j["matmul_peak"]["fp32_gflops"].get<double>(), 80.5);
  ASSERT_EQ(j["steps"].size(), 1u);
  EXPECT_EQ(j["steps"][0]["arch"], "default");
  EXPECT_EQ(j["steps"][0]["loss"], "hinge");
  EXPECT_EQ(j["steps"][0]["batch"], 8);
  EXPECT_EQ(j["steps"][0]["step_seconds"], nlohmann::json({0.5, 0.25}));
  ASSERT_EQ(j["sweep"].size(), 1u);
  EXPECT_EQ(j["sweep"][0]["frames"], 64);
  EXPECT_DOUBLE_EQ(j["sweep"][0]["samples_per_second"].get<double>(), 8);
  EXPECT_TRUE(j["profiles"].empty());
  EXPECT_FALSE(j.contains("generation"));  // only when generation was measured

  report.has_generation = true;
  report.generation.speedup = 6.5;
  EXPECT_DOUBLE_EQ(bench_report_json(report)["generation"]["speedup"].get<double>(), 6.5);

  EXPECT_FALSE(bench_report_json(report).contains("vocoders"));
  report.has_vocoders = true;
  report.vocoders.learned_seconds = 0.02;
  report.vocoders.hifigan.push_back({"v2", 0.5, 4.0});
  const nlohmann::json vocoders = bench_report_json(report)["vocoders"];
  EXPECT_DOUBLE_EQ(vocoders["learned_seconds"].get<double>(), 0.02);
  EXPECT_EQ(vocoders["hifigan"][0]["configuration"], "v2");
  EXPECT_DOUBLE_EQ(vocoders["hifigan"][0]["seconds"].get<double>(), 0.5);
}

// Both vocoders time a log-mel of the asked length (a whole number of frames at the default
// front end), and the learned one's arithmetic is train-vocoder's default model's.
TEST(Benchmark, VocoderTimingCoversBothVocodersAtTheAskedLength) {
  const VocoderTiming v = time_vocoders(0.5, 2, 1);
  const FrontendConfig fe;
  EXPECT_EQ(v.frames, std::llround(0.5 * fe.sample_rate / fe.hop_length));
  EXPECT_NEAR(v.audio_seconds, 0.5, 0.5 * fe.hop_length / fe.sample_rate);
  EXPECT_EQ(v.iterations, 2);
  EXPECT_GT(v.griffin_lim_seconds, 0.0);
  EXPECT_GT(v.learned_seconds, 0.0);
  EXPECT_EQ(v.learned_dim, VocoderConfig{}.dim);
  EXPECT_EQ(v.learned_blocks, VocoderConfig{}.blocks);
  // 3.7 MMAC per frame at 86 frames per second (docs/vocoder.md).
  EXPECT_NEAR(v.learned_gmac_per_audio_second, 0.32, 0.02);
  // HiFi-GAN's three generators, V1 the costliest (about 26 GMAC per second of audio, the
  // paper's arithmetic) and each costlier in arithmetic than the frame-rate design. Only the
  // arithmetic is compared: wall times are the benchmark's to report, not a test's to assert.
  ASSERT_EQ(v.hifigan.size(), 3u);
  EXPECT_EQ(v.hifigan[0].configuration, "v1");
  EXPECT_NEAR(v.hifigan[0].gmac_per_audio_second, 26.0, 4.0);
  for (const auto& h : v.hifigan) {
    EXPECT_GT(h.seconds, 0.0) << h.configuration;
    EXPECT_GT(h.gmac_per_audio_second, v.learned_gmac_per_audio_second) << h.configuration;
    EXPECT_LT(h.gmac_per_audio_second, v.hifigan[0].gmac_per_audio_second + 1e-9)
        << h.configuration;
  }
  BenchOptions o;
  o.vocoder_seconds = 0;
  EXPECT_THROW(o.validate(), ConfigError);
}

}  // namespace
}  // namespace audiogan
