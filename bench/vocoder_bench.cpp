// Log-mel -> waveform speed and quality on a real 12 s crash cymbal (first 512 frames = 5.9 s at
// 22050 Hz): one 128x512 clip, and a batch of 32 (the generator's batch). The spectral
// convergence against the true linear magnitude is reported as a counter (dB, lower is better).
// Compare with bench/torchaudio_vocoder.py. Run: ./build/bench/vocoder_bench
#include <benchmark/benchmark.h>

#include "audio/audio_file.h"
#include "core/threads.h"
#include "dsp/mel.h"
#include "dsp/phase_gradient.h"
#include "dsp/stft.h"
#include "dsp/vocoder.h"
#include "run_benchmarks.h"

namespace {

using namespace audiogan;

const char* kCymbal = "/usr/share/hydrogen/data/drumkits/ForzeeStereo/Crash18-2.wav";

struct Input {
  FrontendConfig config;
  torch::Tensor log_mel;         // [128, 512]
  torch::Tensor true_magnitude;  // [513, 512]
};

const Input& input() {
  static const Input value = [] {
    Input in;
    AudioClip clip = read_audio(kCymbal, in.config.sample_rate);
    const int64_t length = (in.config.frames - 1) * in.config.hop_length;  // exactly 512 frames
    torch::Tensor wave =
        torch::from_blob(clip.samples.data(), {static_cast<int64_t>(clip.samples.size())})
            .slice(0, 0, length)
            .clone();
    in.log_mel = dsp::log_mel(wave, in.config);
    in.true_magnitude = dsp::stft(wave.unsqueeze(0), in.config).abs().squeeze(0);
    return in;
  }();
  return value;
}

void BM_LogMelToAudio_Cymbal128x512(benchmark::State& state) {
  configure_threads(0);
  const Input& in = input();
  dsp::GriffinLimOptions options;
  options.iterations = static_cast<int>(state.range(0));
  torch::Tensor audio;
  for (auto _ : state) {
    audio = dsp::log_mel_to_audio(in.log_mel, in.config, options);
    benchmark::DoNotOptimize(audio.data_ptr());
  }
  state.counters["sc_db"] = dsp::spectral_convergence_db(in.true_magnitude, audio, in.config);
  state.counters["mel_sc_db"] = dsp::mel_spectral_convergence_db(in.log_mel, audio, in.config);
}
BENCHMARK(BM_LogMelToAudio_Cymbal128x512)->Arg(32)->Arg(64)->Unit(benchmark::kMillisecond);

// The mel inversion alone (non-negative least squares), the first stage of log_mel_to_audio.
void BM_MelToLinear_Cymbal128x512(benchmark::State& state) {
  configure_threads(0);
  const Input& in = input();
  torch::Tensor mel_power = torch::expm1(in.log_mel);
  torch::Tensor linear;
  for (auto _ : state) {
    linear = dsp::mel_to_linear(mel_power, in.config);
    benchmark::DoNotOptimize(linear.data_ptr());
  }
}
BENCHMARK(BM_MelToLinear_Cymbal128x512)->Unit(benchmark::kMillisecond);


// Griffin-Lim's default start alone: phase-gradient heuristic integration of the true magnitude.
void BM_PghiPhase_Cymbal(benchmark::State& state) {
  configure_threads(0);
  const Input& in = input();
  torch::Tensor fallback = dsp::uniform_unit_phases(in.true_magnitude.sizes(), 0);
  torch::Tensor phases;
  for (auto _ : state) {
    phases = dsp::pghi_phase(in.true_magnitude, fallback, in.config);
    benchmark::DoNotOptimize(phases.data_ptr());
  }
}
BENCHMARK(BM_PghiPhase_Cymbal)->Unit(benchmark::kMillisecond);

void BM_GriffinLimOnTrueMagnitude_Cymbal(benchmark::State& state) {
  configure_threads(0);
  const Input& in = input();
  torch::Tensor audio;
  for (auto _ : state) {
    audio = dsp::griffin_lim(in.true_magnitude, in.config, {});
    benchmark::DoNotOptimize(audio.data_ptr());
  }
  state.counters["sc_db"] = dsp::spectral_convergence_db(in.true_magnitude, audio, in.config);
}
BENCHMARK(BM_GriffinLimOnTrueMagnitude_Cymbal)->Unit(benchmark::kMillisecond);

void BM_LogMelToAudio_Batch32(benchmark::State& state) {
  configure_threads(0);
  const Input& in = input();
  torch::Tensor batch =
      in.log_mel.unsqueeze(0).expand({32, -1, -1}).contiguous();  // [32, 128, 512]
  for (auto _ : state) {
    torch::Tensor audio = dsp::log_mel_to_audio(batch, in.config);
    benchmark::DoNotOptimize(audio.data_ptr());
  }
  state.counters["per_clip_s"] =
      benchmark::Counter(32.0 * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_LogMelToAudio_Batch32)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

int main(int argc, char** argv) {
  return audiogan::bench::run_benchmarks(argc, argv);
}
