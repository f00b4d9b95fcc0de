// Sound lengths (issue #20's first target): quantiles, the 20 % / 30 % check, and the measure
// itself on synthetic sounds whose length is known: tones that stop, and exponential decays that
// reach -60 dB at a chosen time. The real side (whole files) and the generated side (log-mels)
// must agree on the same sound.
#include "eval/sound_length.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "../data/test_audio_files.h"
#include "audio/audio_file.h"
#include "core/error.h"
#include "dsp/mel.h"

namespace audiogan::eval {
namespace {

using testing_files::TempDir;

FrontendConfig frontend16k() {
  FrontendConfig fe;
  fe.sample_rate = 16000;
  fe.n_fft = 512;
  fe.win_length = 512;
  fe.hop_length = 128;
  fe.n_mels = 40;
  fe.frames = 32;  // a model's cut; file_sound_frames must not apply it
  return fe;
}

// A 1 kHz tone whose amplitude falls 60 dB (power 1e-6) at `t60` seconds, continued to -90 dB and
// then followed by silence, `total` seconds in all.
std::vector<float> decay(double t60, double total, int rate) {
  std::vector<float> samples(static_cast<size_t>(std::llround(total * rate)), 0.0f);
  const double rate_per_second = std::log(1000.0) / t60;  // amplitude: exp(-rate t)
  for (size_t i = 0; i < samples.size(); ++i) {
    const double t = static_cast<double>(i) / rate;
    if (t > 1.5 * t60) break;
    samples[i] =
        static_cast<float>(0.5 * std::exp(-rate_per_second * t) * std::sin(2 * M_PI * 1000.0 * t));
  }
  return samples;
}

// A constant 1 kHz tone for `seconds`, then silence up to `total` seconds.
std::vector<float> burst(double seconds, double total, int rate) {
  std::vector<float> samples = testing_files::tone(1000.0, seconds, rate);
  samples.resize(static_cast<size_t>(std::llround(total * rate)), 0.0f);
  return samples;
}

torch::Tensor as_tensor(const std::vector<float>& samples) {
  return torch::tensor(samples, torch::kFloat32);  // [T]
}

TEST(SoundLength, QuantilesInterpolateBetweenOrderStatistics) {
  const torch::Tensor v = torch::tensor({4, 1, 3, 2}, torch::kInt64);
  EXPECT_DOUBLE_EQ(linear_quantile(v, 0.5), 2.5);  // mean of the middle two
  EXPECT_DOUBLE_EQ(linear_quantile(v, 0.9), 3.7);  // position 0.9 * 3 = 2.7 between 3 and 4
  EXPECT_DOUBLE_EQ(linear_quantile(v, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(linear_quantile(v, 1.0), 4.0);
  EXPECT_DOUBLE_EQ(linear_quantile(torch::tensor({7}, torch::kInt64), 0.9), 7.0);
  EXPECT_TRUE(std::isnan(linear_quantile(torch::empty({0}, torch::kInt64), 0.5)));
}

TEST(SoundLength, TheCheckAllowsTwentyPercentOnTheMedianAndThirtyOnTheNinetiethPercentile) {
  const torch::Tensor real = torch::full({10}, 100, torch::kInt64);
  EXPECT_TRUE(compare_lengths(real, real).ok);
  EXPECT_TRUE(compare_lengths(torch::full({5}, 119, torch::kInt64), real).ok);
  EXPECT_TRUE(compare_lengths(torch::full({5}, 81, torch::kInt64), real).ok);
  EXPECT_FALSE(compare_lengths(torch::full({5}, 121, torch::kInt64), real).ok);
  EXPECT_FALSE(compare_lengths(torch::full({5}, 79, torch::kInt64), real).ok);
  // Median right, tail too long: nine clips of 100 and one of 1000 give p90 = 190 (> 1.3 x 100).
  std::vector<int64_t> tail(9, 100);
  tail.push_back(1000);
  const LengthComparison long_tail = compare_lengths(torch::tensor(tail, torch::kInt64), real);
  EXPECT_DOUBLE_EQ(long_tail.median, 100.0);
  EXPECT_NEAR(long_tail.p90, 190.0, 1e-9);  // position 0.9 * 9 = 8.1: 100 + 0.1 * 900
  EXPECT_FALSE(long_tail.ok);
  // No real clip, or no generated one: nothing to be within.
  EXPECT_FALSE(compare_lengths(real, torch::empty({0}, torch::kInt64)).ok);
  EXPECT_FALSE(compare_lengths(torch::empty({0}, torch::kInt64), real).ok);
}

// Frames up to the last one within 60 dB of the peak: a decay that reaches -60 dB at t60 lasts
// t60 * rate / hop frames, give or take the half window (n_fft / 2 = 2 hops) a frame looks at.
TEST(SoundLength, ExponentialDecaysLastUntilTheyAreSixtyDecibelsDown) {
  const FrontendConfig fe = frontend16k();
  TempDir dir;
  const std::vector<double> t60s = {0.1, 0.4, 1.5};  // 12.5, 50 and 187.5 frames
  std::vector<std::string> paths;
  for (size_t i = 0; i < t60s.size(); ++i) {
    paths.push_back(dir / ("decay" + std::to_string(i) + ".wav"));
    write_wav(paths.back(), decay(t60s[i], 3.0, fe.sample_rate), fe.sample_rate);
  }
  const torch::Tensor lengths = file_sound_frames(paths, fe);
  ASSERT_EQ(lengths.numel(), 3);
  for (size_t i = 0; i < t60s.size(); ++i) {
    const double expected = t60s[i] * fe.sample_rate / fe.hop_length;
    EXPECT_NEAR(static_cast<double>(lengths[static_cast<int64_t>(i)].item<int64_t>()), expected,
                2.5)
        << "t60 " << t60s[i] << " s";
  }
  // The 1.5 s decay is far longer than fe.frames (32): the whole file was measured.
  EXPECT_GT(lengths[2].item<int64_t>(), 4 * fe.frames);
}

TEST(SoundLength, TonesThatStopLastTheirLengthAndSilenceLastsNothing) {
  const FrontendConfig fe = frontend16k();
  TempDir dir;
  const std::vector<double> seconds = {0.05, 0.3, 2.0};
  std::vector<std::string> paths;
  for (size_t i = 0; i < seconds.size(); ++i) {
    paths.push_back(dir / ("burst" + std::to_string(i) + ".wav"));
    write_wav(paths.back(), burst(seconds[i], 2.5, fe.sample_rate), fe.sample_rate);
  }
  paths.push_back(dir / "silence.wav");
  write_wav(paths.back(), std::vector<float>(16000, 0.0f), fe.sample_rate);
  int64_t calls = 0;
  const torch::Tensor lengths = file_sound_frames(paths, fe, [&calls](int64_t done, int64_t total) {
    ++calls;
    EXPECT_EQ(done, calls);
    EXPECT_EQ(total, 4);
  });
  EXPECT_EQ(calls, 4);
  for (size_t i = 0; i < seconds.size(); ++i) {
    const double end = seconds[i] * fe.sample_rate / fe.hop_length;
    const int64_t got = lengths[static_cast<int64_t>(i)].item<int64_t>();
    // The last frame whose window still overlaps the tone: at most n_fft / 2 samples after it.
    EXPECT_GE(got, static_cast<int64_t>(std::floor(end))) << seconds[i] << " s";
    EXPECT_LE(got, static_cast<int64_t>(std::ceil(end)) + fe.n_fft / 2 / fe.hop_length + 1)
        << seconds[i] << " s";
  }
  EXPECT_EQ(lengths[3].item<int64_t>(), 0);
}

// What the evaluator measures on generated log-mels agrees with what it measures on real files,
// and a clip cut to a model's frame count cannot be longer than that count.
TEST(SoundLength, LogMelsMeasureAsTheirFilesDoAndCutClipsStopAtTheCut) {
  const FrontendConfig fe = frontend16k();
  TempDir dir;
  const std::vector<std::vector<float>> clips = {decay(0.1, 1.5, fe.sample_rate),
                                                 decay(0.4, 1.5, fe.sample_rate),
                                                 burst(0.3, 1.5, fe.sample_rate)};
  std::vector<std::string> paths;
  std::vector<torch::Tensor> waves;
  for (size_t i = 0; i < clips.size(); ++i) {
    paths.push_back(dir / ("clip" + std::to_string(i) + ".wav"));
    write_wav(paths.back(), clips[i], fe.sample_rate, WavFormat::Float32);
    waves.push_back(as_tensor(clips[i]));
  }
  const torch::Tensor from_files = file_sound_frames(paths, fe);
  FrontendConfig whole = fe;
  whole.frames = 256;  // 2 s: room for every sound
  const torch::Tensor from_mels = sound_frames(dsp::log_mel(torch::stack(waves), whole));
  EXPECT_TRUE(torch::equal(from_mels, from_files)) << from_mels << from_files;
  const torch::Tensor cut = sound_frames(dsp::log_mel(torch::stack(waves), fe));
  EXPECT_TRUE(torch::equal(cut, from_files.clamp_max(fe.frames))) << cut;
  EXPECT_EQ(cut.max().item<int64_t>(), fe.frames);
}

TEST(SoundLength, NegativeLogMelValuesCountAsSilence) {
  // A generator's raw output can dip below 0 (log1p units); the vocoder clips it, so must this.
  torch::Tensor mels = torch::full({1, 8, 40}, -0.5);
  mels.index_put_({0, torch::indexing::Slice(), torch::indexing::Slice(0, 10)}, 3.0);
  EXPECT_EQ(sound_frames(mels)[0].item<int64_t>(), 10);
  EXPECT_EQ(sound_frames(torch::zeros({2, 8, 40})).sum().item<int64_t>(), 0);
  EXPECT_THROW(sound_frames(torch::zeros({8, 40})), DataError);
}

TEST(SoundLength, SecondsPerFrameIsTheHopOverTheSampleRate) {
  const FrontendConfig fe = frontend16k();
  EXPECT_DOUBLE_EQ(frames_to_seconds(125.0, fe), 1.0);
}

}  // namespace
}  // namespace audiogan::eval
