// The in-memory WAV encoder writes a RIFF/WAVE PCM16 header and clipped little-endian samples.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "audio/audio_file.h"
#include "core/error.h"
#include "serve/wav_bytes.h"

namespace audiogan::serve {
namespace {

uint32_t u32_at(const std::string& bytes, size_t offset) {
  uint32_t value = 0;
  for (int i = 3; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(bytes[offset + i]);
  return value;
}

int16_t i16_at(const std::string& bytes, size_t offset) {
  return static_cast<int16_t>(static_cast<unsigned char>(bytes[offset]) |
                              (static_cast<unsigned char>(bytes[offset + 1]) << 8));
}

TEST(WavBytes, WritesAStandardPcm16Header) {
  const std::string wav = encode_wav_pcm16({0.0f, 0.5f, -0.5f}, 22050);
  ASSERT_EQ(wav.size(), 44u + 6u);
  EXPECT_EQ(wav.substr(0, 4), "RIFF");
  EXPECT_EQ(u32_at(wav, 4), 36u + 6u);
  EXPECT_EQ(wav.substr(8, 8), "WAVEfmt ");
  EXPECT_EQ(u32_at(wav, 24), 22050u);
  EXPECT_EQ(u32_at(wav, 28), 44100u);
  EXPECT_EQ(wav.substr(36, 4), "data");
  EXPECT_EQ(u32_at(wav, 40), 6u);
  EXPECT_EQ(i16_at(wav, 46), 16384);  // round(0.5 * 32768)
  EXPECT_EQ(i16_at(wav, 48), -16384);
}

TEST(WavBytes, ClipsLoudSamplesAndSilencesNonFiniteOnes) {
  const std::string wav = encode_wav_pcm16({2.0f, -3.0f, NAN, INFINITY}, 8000);
  EXPECT_EQ(i16_at(wav, 44), 32767);
  EXPECT_EQ(i16_at(wav, 46), -32768);
  EXPECT_EQ(i16_at(wav, 48), 0);
  EXPECT_EQ(i16_at(wav, 50), 0);
}

TEST(WavBytes, EmptyClipIsAValidEmptyFileAndBadRateThrows) {
  EXPECT_EQ(encode_wav_pcm16({}, 8000).size(), 44u);
  EXPECT_THROW(encode_wav_pcm16({0.0f}, 0), DataError);
}

TEST(WavBytes, HoldsTheSamplesWriteWavPutsOnDisk) {
  // A clip played in the browser and the same clip saved by `generate` are the same samples.
  const std::vector<float> samples = {0.0f, 0.25f, -1.0f, 1.0f, 0.999f, -0.3333f, 1e-5f, 7.0f};
  const auto path = std::filesystem::temp_directory_path() / "audiogan-wav-bytes-same.wav";
  write_wav(path.string(), samples, 16000);
  std::ifstream in(path, std::ios::binary);
  const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(path);
  const std::string wav = encode_wav_pcm16(samples, 16000);
  const size_t data_bytes = samples.size() * 2;
  ASSERT_GE(file.size(), data_bytes);
  EXPECT_EQ(wav.substr(wav.size() - data_bytes), file.substr(file.size() - data_bytes));
}

}  // namespace
}  // namespace audiogan::serve
