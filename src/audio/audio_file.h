// Reading any audio file libsndfile decodes (mixed to mono, resampled) and writing WAV files.
#pragma once

#include <string>
#include <vector>

namespace audiogan {

struct AudioClip {
  std::vector<float> samples;  // mono, [-1, 1] nominal
  int sample_rate = 0;         // Hz
};

enum class WavFormat { Pcm16, Float32 };

// Decodes WAV/FLAC/OGG (and MP3 where libsndfile supports it), averaging channels to mono.
// Throws IoError (unreadable, not audio) or DataError (empty, truncated, non-finite samples),
// each naming the path and the reason.
AudioClip read_audio(const std::string& path);

// read_audio, then resampled with libsoxr (high quality) to `sample_rate` when it differs.
AudioClip read_audio(const std::string& path, int sample_rate);

// Writes mono samples (clipped to [-1, 1] for Pcm16). Throws IoError naming the path.
void write_wav(const std::string& path, const std::vector<float>& samples, int sample_rate,
               WavFormat format = WavFormat::Pcm16);

}  // namespace audiogan
