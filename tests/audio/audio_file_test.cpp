// Audio reading and writing: identity round trips, channel mixing, bit depths, rates, prefix
// decoding and every broken-input case, each failing with the path in the message.
#include "audio/audio_file.h"

#include <gtest/gtest.h>

#include <random>

#include "../data/test_audio_files.h"
#include "core/error.h"

namespace audiogan {
namespace {

using testing_files::TempDir;

std::vector<float> random_samples(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<float> samples(n);
  for (auto& x : samples) x = uniform(rng);
  return samples;
}

TEST(AudioFile, Pcm16WriteReadIsIdentityOnThe16BitGrid) {
  TempDir dir;
  std::vector<float> samples = random_samples(5000, 1);
  for (auto& x : samples) x = std::round(x * 32767.0f) / 32768.0f;
  samples.push_back(-1.0f);
  write_wav(dir / "a.wav", samples, 22050);
  const AudioClip clip = read_audio(dir / "a.wav");
  EXPECT_EQ(clip.sample_rate, 22050);
  ASSERT_EQ(clip.samples.size(), samples.size());
  for (size_t i = 0; i < samples.size(); ++i) ASSERT_EQ(clip.samples[i], samples[i]) << i;
}

TEST(AudioFile, Pcm16QuantisesOffGridValuesToTheNearestStep) {
  TempDir dir;
  const std::vector<float> samples = random_samples(2000, 2);
  write_wav(dir / "a.wav", samples, 16000);
  const AudioClip clip = read_audio(dir / "a.wav");
  ASSERT_EQ(clip.samples.size(), samples.size());
  for (size_t i = 0; i < samples.size(); ++i) {
    ASSERT_NEAR(clip.samples[i], samples[i], 0.5 / 32768 + 1e-7) << i;
  }
}

TEST(AudioFile, Float32WriteReadIsIdentity) {
  TempDir dir;
  std::vector<float> samples = random_samples(3000, 3);
  samples.push_back(1.75f);  // float WAV keeps values beyond full scale
  write_wav(dir / "a.wav", samples, 48000, WavFormat::Float32);
  const AudioClip clip = read_audio(dir / "a.wav");
  EXPECT_EQ(clip.sample_rate, 48000);
  EXPECT_EQ(clip.samples, samples);
  EXPECT_EQ(read_audio_info(dir / "a.wav").frames, 3001);
}

TEST(AudioFile, Pcm16ClipsOutOfRangeValues) {
  TempDir dir;
  write_wav(dir / "a.wav", {1.5f, -2.0f, 0.25f}, 8000);
  const AudioClip clip = read_audio(dir / "a.wav");
  ASSERT_EQ(clip.samples.size(), 3u);
  EXPECT_FLOAT_EQ(clip.samples[0], 32767.0f / 32768.0f);
  EXPECT_FLOAT_EQ(clip.samples[1], -1.0f);
  EXPECT_FLOAT_EQ(clip.samples[2], 0.25f);
}

TEST(AudioFile, MixesSixChannelsToTheirMean) {
  TempDir dir;
  std::vector<float> interleaved;
  for (int f = 0; f < 100; ++f) {
    for (int c = 0; c < 6; ++c) interleaved.push_back(0.1f * c);
  }
  write_wav_interleaved(dir / "six.wav", interleaved, 6, 44100, WavFormat::Float32);
  EXPECT_EQ(read_audio_info(dir / "six.wav").channels, 6);
  const AudioClip clip = read_audio(dir / "six.wav");
  ASSERT_EQ(clip.samples.size(), 100u);
  for (float x : clip.samples) ASSERT_NEAR(x, 0.25f, 1e-6);
}

TEST(AudioFile, ReadsEightBitFiles) {
  TempDir dir;
  testing_files::write_with_format(dir / "u8.wav", std::vector<float>(64, 0.5f), 1, 11025,
                                   SF_FORMAT_WAV | SF_FORMAT_PCM_U8);
  const AudioClip clip = read_audio(dir / "u8.wav");
  EXPECT_NE(read_audio_info(dir / "u8.wav").format.find("8 bit"), std::string::npos)
      << read_audio_info(dir / "u8.wav").format;
  ASSERT_EQ(clip.samples.size(), 64u);
  for (float x : clip.samples) ASSERT_NEAR(x, 0.5f, 1.0 / 128);
}

TEST(AudioFile, ResamplesNinetySixKilohertzToTheRequestedRate) {
  TempDir dir;
  testing_files::write_with_format(dir / "hi.wav", testing_files::tone(1000, 1.0, 96000), 1, 96000,
                                   SF_FORMAT_WAV | SF_FORMAT_PCM_24);
  const AudioClip clip = read_audio(dir / "hi.wav", 22050);
  EXPECT_EQ(clip.sample_rate, 22050);
  EXPECT_EQ(clip.samples.size(), 22050u);
  EXPECT_DOUBLE_EQ(clip.source_seconds, 1.0);
  // A sine at 1 kHz, amplitude 0.5: the middle of the clip matches one to within 1e-3.
  for (size_t i = 5000; i < 6000; ++i) {
    ASSERT_NEAR(clip.samples[i], 0.5 * std::sin(2 * M_PI * 1000.0 * i / 22050), 2e-3) << i;
  }
}

TEST(AudioFile, DecodesOnlyThePrefixOfAThirtyMinuteFile) {
  TempDir dir;
  testing_files::write_long_file(dir / "long.wav", 30 * 60);
  const AudioClip clip = read_audio(dir / "long.wav", 22050, /*max_seconds=*/2.0);
  EXPECT_EQ(clip.samples.size(), 44100u);
  EXPECT_DOUBLE_EQ(clip.source_seconds, 1800.0);
  EXPECT_EQ(read_audio_info(dir / "long.wav").frames, 1800 * 8000);
}

TEST(AudioFile, PrefixDecodingEqualsTheStartOfTheWholeDecode) {
  TempDir dir;
  testing_files::write_mono(dir / "a.wav", testing_files::hit(3, 3.0, 44100), 44100);
  const AudioClip whole = read_audio(dir / "a.wav", 22050);
  const AudioClip prefix = read_audio(dir / "a.wav", 22050, 1.0);
  ASSERT_EQ(prefix.samples.size(), 22050u);
  for (size_t i = 0; i < prefix.samples.size(); ++i) {
    ASSERT_NEAR(prefix.samples[i], whole.samples[i], 1e-5) << i;
  }
}

TEST(AudioFile, ZeroLengthFileIsADataErrorNamingThePath) {
  TempDir dir;
  testing_files::write_bytes(dir / "empty.wav", "");
  try {
    read_audio(dir / "empty.wav");
    FAIL() << "expected DataError";
  } catch (const DataError& error) {
    EXPECT_NE(std::string(error.what()).find("empty.wav"), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("zero-length"), std::string::npos);
  }
}

TEST(AudioFile, TextNamedWavIsAnIoErrorNamingThePath) {
  TempDir dir;
  testing_files::write_bytes(dir / "notes.wav", "hello, this is text\n");
  try {
    read_audio(dir / "notes.wav");
    FAIL() << "expected IoError";
  } catch (const IoError& error) {
    EXPECT_NE(std::string(error.what()).find("notes.wav"), std::string::npos);
  }
}

TEST(AudioFile, TruncatedHeaderIsAnError) {
  TempDir dir;
  testing_files::write_mono(dir / "good.wav", testing_files::tone(440, 0.1, 8000), 8000);
  testing_files::write_bytes(dir / "cut.wav",
                             testing_files::read_bytes(dir / "good.wav").substr(0, 30));
  EXPECT_THROW(read_audio(dir / "cut.wav"), Error);
}

TEST(AudioFile, AHeaderPromisingMoreFramesThanTheFileHoldsIsADataError) {
  // Found by fuzz/audio_fuzz.cpp: an Ogg stream whose header claims ~2^62 frames made
  // read_audio size its buffer from the claim and throw std::length_error. The buffer now grows
  // with what decodes, and the short count is reported as truncation.
  const std::string path = std::string(AUDIOGAN_FUZZ_CORPUS) + "/audio/found-huge-frame-count.ogg";
  try {
    read_audio(path);
    FAIL() << "expected an audiogan error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find(path), std::string::npos) << error.what();
  }
}

TEST(AudioFile, NanSamplesAreADataError) {
  TempDir dir;
  std::vector<float> samples = testing_files::tone(440, 0.1, 8000);
  samples[10] = std::nanf("");
  write_wav(dir / "nan.wav", samples, 8000, WavFormat::Float32);
  try {
    read_audio(dir / "nan.wav");
    FAIL() << "expected DataError";
  } catch (const DataError& error) {
    EXPECT_NE(std::string(error.what()).find("non-finite"), std::string::npos);
  }
}

TEST(AudioFile, SamplesThatOverflowTheResamplerAreADataError) {
  // Found by fuzz/audio_fuzz.cpp: finite float samples near FLT_MAX decode, but resampling
  // overflowed them to inf/NaN, which would have reached the spectrogram cache.
  TempDir dir;
  // A 100 Hz square wave at +-3.3e38: the filter's overshoot at each edge passes FLT_MAX.
  std::vector<float> samples(4410);
  for (size_t i = 0; i < samples.size(); ++i) samples[i] = (i / 220) % 2 ? -3.3e38f : 3.3e38f;
  write_wav(dir / "loud.wav", samples, 44100, WavFormat::Float32);
  EXPECT_NO_THROW(read_audio(dir / "loud.wav"));  // finite as stored
  for (const double max_seconds : {0.0, 0.05}) {
    try {
      read_audio(dir / "loud.wav", 22050, max_seconds);
      FAIL() << "expected DataError";
    } catch (const DataError& error) {
      const std::string message = error.what();
      EXPECT_NE(message.find("non-finite"), std::string::npos) << message;
      EXPECT_NE(message.find("after resampling 44100 -> 22050 Hz"), std::string::npos) << message;
      EXPECT_NE(message.find("loud.wav"), std::string::npos) << message;
    }
  }
}

TEST(AudioFile, AClipTooShortToResampleIsADataErrorNamingTheFile) {
  TempDir dir;
  write_wav(dir / "click.wav", {0.5f}, 48000, WavFormat::Pcm16);
  EXPECT_EQ(read_audio(dir / "click.wav").samples.size(), 1u);  // at its own rate: one sample
  try {
    read_audio(dir / "click.wav", 22050);
    FAIL() << "expected DataError";
  } catch (const DataError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("click.wav"), std::string::npos) << message;
    EXPECT_NE(message.find("less than one sample at 22050 Hz"), std::string::npos) << message;
  }
}

TEST(AudioFile, MissingFileIsAnIoError) {
  EXPECT_THROW(read_audio("/nonexistent/audiogan/missing.wav"), IoError);
}

TEST(AudioFile, WritingIntoAMissingFolderIsAnIoError) {
  EXPECT_THROW(write_wav("/nonexistent/audiogan/out.wav", {0.0f}, 8000), IoError);
}

TEST(AudioFile, DecodesARealDrumHitFromHydrogen) {
  const std::string path = testing_files::hydrogen_sample();
  ASSERT_FALSE(path.empty()) << "no .flac or .wav under " << AUDIOGAN_DRUMKITS
                             << ": install hydrogen-drumkits (scripts/install-deps.sh), or "
                                "configure with -DAUDIOGAN_DRUMKITS_DIR=<drumkits folder>";
  const AudioClip clip = read_audio(path, 22050);
  ASSERT_GT(clip.samples.size(), 1000u);
  float peak = 0;
  for (float x : clip.samples) peak = std::max(peak, std::abs(x));
  EXPECT_GT(peak, 0.01f);
  EXPECT_LE(peak, 1.5f);
}

}  // namespace
}  // namespace audiogan
