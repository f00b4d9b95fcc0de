// Reading any audio file libsndfile decodes (mixed to mono, resampled) and writing WAV files.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace audiogan {

struct AudioClip {
  std::vector<float> samples;  // mono, [-1, 1] nominal
  int sample_rate = 0;         // Hz
  double source_seconds = 0;   // length of the whole file, even when only a prefix was decoded
};

// What the file header says, without decoding.
struct AudioInfo {
  int64_t frames = 0;  // per channel
  int sample_rate = 0;
  int channels = 0;
  std::string format;  // e.g. "WAV PCM_16", "FLAC PCM_24"
};

enum class WavFormat { Pcm16, Float32 };

// Reads the header. Throws IoError (unreadable, not audio) or DataError (zero-length).
AudioInfo read_audio_info(const std::string& path);

// Decodes WAV/FLAC/OGG/AIFF (and MP3 where libsndfile supports it), averaging channels to mono.
// Throws IoError (unreadable, not audio) or DataError (empty, truncated, non-finite samples),
// each naming the path and the reason.
AudioClip read_audio(const std::string& path);

// read_audio, then resampled with libsoxr (high quality) to `sample_rate` when it differs.
AudioClip read_audio(const std::string& path, int sample_rate);

// Like read_audio(path, sample_rate) but decodes only the first `max_seconds` of the file (plus a
// margin so the resampler's filter is settled), returning at most round(max_seconds *
// sample_rate) samples. A 30-minute file then costs what its first seconds cost. max_seconds <= 0
// decodes everything.
AudioClip read_audio(const std::string& path, int sample_rate, double max_seconds);

// Writes mono samples (clipped to [-1, 1] for Pcm16). Pcm16 stores round(x * 32768), which
// read_audio returns as the same x for any x on that grid. Throws IoError naming the path.
void write_wav(const std::string& path, const std::vector<float>& samples, int sample_rate,
               WavFormat format = WavFormat::Pcm16);

// Multi-channel WAV writing for tests and tools: `interleaved` holds frames * channels samples.
void write_wav_interleaved(const std::string& path, const std::vector<float>& interleaved,
                           int channels, int sample_rate, WavFormat format = WavFormat::Pcm16);

// The file extensions read_audio is expected to decode (lower case, with the dot).
const std::vector<std::string>& audio_extensions();

}  // namespace audiogan
