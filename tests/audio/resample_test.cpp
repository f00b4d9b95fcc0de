// Resampling with soxr: a sine keeps its frequency and amplitude, lengths scale with the ratio.
#include "audio/resample.h"

#include <gtest/gtest.h>

#include "../data/test_audio_files.h"
#include "core/error.h"

namespace audiogan {
namespace {

// Frequency (Hz) of the largest FFT bin of `samples`, Hann-windowed.
double peak_frequency(const std::vector<float>& samples, int rate) {
  auto x = torch::tensor(samples);
  x = x * torch::hann_window(x.size(0));
  const auto magnitude = torch::fft::rfft(x).abs();
  const auto bin = magnitude.argmax().item<int64_t>();
  return static_cast<double>(bin) * rate / static_cast<double>(samples.size());
}

double rms(const std::vector<float>& samples, size_t from, size_t to) {
  double sum = 0;
  for (size_t i = from; i < to; ++i) sum += samples[i] * samples[i];
  return std::sqrt(sum / static_cast<double>(to - from));
}

struct Case {
  int from;
  int to;
  double frequency;
};

TEST(Resample, SineFrequencySurvivesUpAndDownsampling) {
  for (const Case& c : {Case{44100, 22050, 440.0}, Case{8000, 22050, 1234.5},
                        Case{96000, 22050, 5000.0}, Case{22050, 48000, 3000.0}}) {
    const auto input = testing_files::tone(c.frequency, 2.0, c.from);
    const auto output = resample(input, c.from, c.to);
    const double bin_width = static_cast<double>(c.to) / static_cast<double>(output.size());
    EXPECT_NEAR(peak_frequency(output, c.to), c.frequency, bin_width)
        << c.from << " -> " << c.to << " Hz";
    EXPECT_EQ(input.size() * c.to, output.size() * c.from) << c.from << " -> " << c.to;
    // Amplitude in the passband is kept (0.5 / sqrt 2), away from the edges.
    EXPECT_NEAR(rms(output, output.size() / 4, 3 * output.size() / 4), 0.5 / std::sqrt(2.0), 2e-3);
  }
}

TEST(Resample, RemovesContentAboveTheNewNyquistFrequency) {
  const auto input = testing_files::tone(15000, 1.0, 44100);
  const auto output = resample(input, 44100, 22050);
  EXPECT_LT(rms(output, 1000, output.size() - 1000), 1e-3);
}

TEST(Resample, SameRateReturnsTheSamples) {
  const std::vector<float> input = {0.1f, -0.2f, 0.3f};
  EXPECT_EQ(resample(input, 16000, 16000), input);
}

TEST(Resample, EmptyInputGivesEmptyOutput) {
  EXPECT_TRUE(resample({}, 8000, 16000).empty());
}

TEST(Resample, NonPositiveRateIsADataError) {
  EXPECT_THROW(resample({0.0f}, 0, 22050), DataError);
  EXPECT_THROW(resample({0.0f}, 22050, -1), DataError);
}

TEST(Resample, InputShorterThanOneOutputSampleIsADataError) {
  // Found by fuzz/audio_fuzz.cpp: soxr crashed (a write through a null buffer) when the output
  // rounds to no sample, e.g. one sample at 48 kHz converted to 22.05 kHz.
  EXPECT_THROW(resample({0.5f}, 48000, 22050), DataError);
  EXPECT_THROW(resample(std::vector<float>(100, 0.5f), 16821316, 22050), DataError);
  EXPECT_EQ(resample({0.5f, 0.5f}, 48000, 22050).size(), 1u);  // rounds to one sample: fine
}

}  // namespace
}  // namespace audiogan
