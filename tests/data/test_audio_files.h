// Helpers for tests that need audio files on disk: a self-removing temp folder, tones, and a
// corpus of broken files written byte by byte.
#pragma once

#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "audio/audio_file.h"

namespace audiogan::testing_files {

namespace fs = std::filesystem;

// A fresh folder under the system temp dir, removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir() {
    std::random_device device;
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    const std::string name =
        info ? std::string(info->test_suite_name()) + "-" + info->name() : std::string("suite");
    path_ = fs::temp_directory_path() /
            ("audiogan-" + name + "-" + std::to_string(device()) + std::to_string(device()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code error;
    fs::remove_all(path_, error);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  std::string operator/(const std::string& child) const { return (path_ / child).string(); }

 private:
  fs::path path_;
};

inline std::vector<float> tone(double frequency, double seconds, int rate, double amplitude = 0.5) {
  std::vector<float> samples(static_cast<size_t>(std::llround(seconds * rate)));
  for (size_t i = 0; i < samples.size(); ++i) {
    samples[i] = static_cast<float>(amplitude * std::sin(2 * M_PI * frequency * i / rate));
  }
  return samples;
}

// A decaying tone burst, distinct per `seed`, shaped like a drum hit.
inline std::vector<float> hit(int seed, double seconds, int rate) {
  std::vector<float> samples = tone(110.0 * (1 + seed % 7), seconds, rate, 0.3 + 0.05 * (seed % 5));
  for (size_t i = 0; i < samples.size(); ++i) {
    samples[i] *= static_cast<float>(std::exp(-8.0 * i / rate));
  }
  return samples;
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_mono(const std::string& path, const std::vector<float>& samples, int rate,
                       WavFormat format = WavFormat::Pcm16) {
  fs::create_directories(fs::path(path).parent_path());
  write_wav(path, samples, rate, format);
}

// Writes through libsndfile with any format (e.g. SF_FORMAT_WAV | SF_FORMAT_PCM_U8).
inline void write_with_format(const std::string& path, const std::vector<float>& interleaved,
                              int channels, int rate, int format) {
  fs::create_directories(fs::path(path).parent_path());
  SF_INFO info{};
  info.channels = channels;
  info.samplerate = rate;
  info.format = format;
  SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
  ASSERT_NE(file, nullptr) << sf_strerror(nullptr);
  sf_writef_float(file, interleaved.data(), static_cast<sf_count_t>(interleaved.size() / channels));
  sf_close(file);
}

// A long 8 kHz 16-bit file written in chunks (a 30-minute one is 29 MB and quick to write).
inline void write_long_file(const std::string& path, double seconds, int rate = 8000) {
  fs::create_directories(fs::path(path).parent_path());
  SF_INFO info{};
  info.channels = 1;
  info.samplerate = rate;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
  ASSERT_NE(file, nullptr) << sf_strerror(nullptr);
  const auto total = static_cast<int64_t>(seconds * rate);
  std::vector<short> chunk(static_cast<size_t>(rate));
  for (int64_t done = 0; done < total; done += rate) {
    for (size_t i = 0; i < chunk.size(); ++i) {
      chunk[i] = static_cast<short>(8000 * std::sin(2 * M_PI * 440.0 * (done + i) / rate));
    }
    sf_writef_short(file, chunk.data(), std::min<int64_t>(rate, total - done));
  }
  sf_close(file);
}

// The broken-file corpus: name -> why it is broken. Each is written under `dir`.
inline void write_broken_corpus(const fs::path& dir) {
  const int rate = 16000;
  write_bytes((dir / "zero-bytes.wav").string(), "");
  write_bytes((dir / "text-named.wav").string(), "this is not audio, just text\n");
  write_mono((dir / "source.wav").string(), tone(440, 0.5, rate), rate);
  const std::string whole = read_bytes((dir / "source.wav").string());
  write_bytes((dir / "truncated-header.wav").string(), whole.substr(0, 20));
  fs::remove(dir / "source.wav");
  std::vector<float> nan_samples = tone(440, 0.2, rate);
  for (size_t i = 0; i < nan_samples.size(); i += 3) nan_samples[i] = std::nanf("");
  write_mono((dir / "nan-samples.wav").string(), nan_samples, rate, WavFormat::Float32);
}

// Unusual but valid files: 8-bit, 96 kHz, 6 channels.
inline void write_unusual_corpus(const fs::path& dir) {
  write_with_format((dir / "eight-bit.wav").string(), tone(300, 0.3, 11025), 1, 11025,
                    SF_FORMAT_WAV | SF_FORMAT_PCM_U8);
  write_with_format((dir / "ninety-six-k.wav").string(), tone(500, 0.3, 96000), 1, 96000,
                    SF_FORMAT_WAV | SF_FORMAT_PCM_24);
  std::vector<float> six(static_cast<size_t>(0.3 * 44100) * 6);
  const auto mono = tone(700, 0.3, 44100);
  for (size_t f = 0; f < mono.size(); ++f) {
    for (size_t c = 0; c < 6; ++c) six[f * 6 + c] = mono[f];
  }
  write_with_format((dir / "six-channels.wav").string(), six, 6, 44100,
                    SF_FORMAT_WAV | SF_FORMAT_PCM_16);
}

// The first drum sample of Debian's hydrogen-drumkits, or "" when it is not installed.
inline std::string hydrogen_sample() {
  const fs::path root = AUDIOGAN_DRUMKITS;  // from CMake (AUDIOGAN_DRUMKITS_DIR)
  std::error_code error;
  if (!fs::is_directory(root, error)) return "";
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(root, error)) {
    const auto ext = entry.path().extension().string();
    if (ext == ".flac" || ext == ".wav") found.push_back(entry.path().string());
  }
  std::sort(found.begin(), found.end());
  return found.empty() ? "" : found.front();
}

}  // namespace audiogan::testing_files
