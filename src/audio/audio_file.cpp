// Audio decoding and WAV writing with libsndfile. Every failure becomes an IoError or DataError
// naming the path, so a dataset scan can skip a broken file and say why.
#include "audio/audio_file.h"

#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>

#include "audio/pcm16.h"
#include "audio/resample.h"
#include "core/error.h"

namespace audiogan {
namespace {

struct SndfileCloser {
  void operator()(SNDFILE* file) const { sf_close(file); }
};
using SndfilePtr = std::unique_ptr<SNDFILE, SndfileCloser>;

// Extra source audio decoded past a requested prefix so the resampler's filter (soxr HQ spans a
// few milliseconds) sees real signal rather than the end of the data at the prefix's end.
constexpr double kPrefixMarginSeconds = 0.05;

SndfilePtr open_for_reading(const std::string& path, SF_INFO& info) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error) throw IoError("audio: cannot read " + path + ": " + error.message());
  if (size == 0) throw DataError("audio: " + path + " is a zero-length file");
  info = SF_INFO{};
  SndfilePtr file(sf_open(path.c_str(), SFM_READ, &info));
  if (!file) {
    throw IoError("audio: cannot decode " + path + ": " + sf_strerror(nullptr) +
                  " (expected audio that libsndfile reads: WAV, FLAC, OGG, AIFF, MP3)");
  }
  if (info.channels <= 0 || info.samplerate <= 0) {
    throw DataError("audio: " + path + " has an invalid header (channels " +
                    std::to_string(info.channels) + ", rate " + std::to_string(info.samplerate) +
                    ")");
  }
  if (info.frames <= 0) throw DataError("audio: " + path + " holds no samples");
  return file;
}

std::string format_name(int format) {
  SF_FORMAT_INFO major{}, subtype{};
  major.format = format & SF_FORMAT_TYPEMASK;
  subtype.format = format & SF_FORMAT_SUBMASK;
  std::string name;
  if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &major, sizeof(major)) == 0 && major.extension) {
    name = major.extension;
  }
  if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &subtype, sizeof(subtype)) == 0 && subtype.name) {
    name += std::string(name.empty() ? "" : " ") + subtype.name;
  }
  return name;
}

// Throws DataError naming the path unless every sample is finite.
void require_finite(const AudioClip& clip, const std::string& path, const std::string& when) {
  const auto bad = std::count_if(clip.samples.begin(), clip.samples.end(),
                                 [](float x) { return !std::isfinite(x); });
  if (bad > 0) {
    throw DataError("audio: " + path + " has " + std::to_string(bad) + " non-finite (NaN/inf) of " +
                    std::to_string(clip.samples.size()) + " samples" + when);
  }
}

// Decodes the first `max_seconds` (everything when <= 0), averaging channels to mono.
AudioClip decode(const std::string& path, double max_seconds) {
  SF_INFO info;
  SndfilePtr file = open_for_reading(path, info);
  int64_t wanted = info.frames;
  if (max_seconds > 0) {
    wanted =
        std::min<int64_t>(wanted, static_cast<int64_t>(std::ceil(max_seconds * info.samplerate)));
  }
  const int channels = info.channels;
  AudioClip clip;
  clip.sample_rate = info.samplerate;
  clip.source_seconds = static_cast<double>(info.frames) / info.samplerate;
  // The header's frame count is a claim, not a fact: a broken file can promise 2^60 frames.
  // Grow with what actually decodes, so memory follows the data and the truncation check below
  // reports the lie instead of a std::length_error or bad_alloc.
  constexpr int64_t kReserveLimit = int64_t{1} << 24;
  clip.samples.reserve(static_cast<size_t>(std::min(wanted, kReserveLimit)));

  // Chunks keep the interleaved buffer small for many-channel files.
  constexpr int64_t kChunk = 65536;
  std::vector<float> interleaved(static_cast<size_t>(std::min(wanted, kChunk) * channels));
  int64_t done = 0;
  while (done < wanted) {
    const int64_t ask = std::min(kChunk, wanted - done);
    const sf_count_t got = sf_readf_float(file.get(), interleaved.data(), ask);
    if (got <= 0) break;
    for (sf_count_t f = 0; f < got; ++f) {
      double sum = 0.0;
      for (int c = 0; c < channels; ++c) sum += interleaved[static_cast<size_t>(f * channels + c)];
      clip.samples.push_back(static_cast<float>(sum / channels));
    }
    done += got;
  }
  if (done < wanted) {
    throw DataError("audio: " + path + " is truncated: header promises " + std::to_string(wanted) +
                    " frames, only " + std::to_string(done) + " could be decoded");
  }
  require_finite(clip, path, "");
  return clip;
}

// Float files may hold any finite value; one near FLT_MAX overflows the resampler's filter.
AudioClip resampled(AudioClip clip, int sample_rate, const std::string& path) {
  if (sample_rate <= 0 || clip.sample_rate == sample_rate) return clip;
  const int from_rate = clip.sample_rate;
  try {
    clip.samples = resample(clip.samples, from_rate, sample_rate);
  } catch (const DataError& error) {
    throw DataError("audio: " + path + ": " + error.what());
  }
  clip.sample_rate = sample_rate;
  require_finite(clip, path,
                 " after resampling " + std::to_string(from_rate) + " -> " +
                     std::to_string(sample_rate) + " Hz (its samples are far outside [-1, 1])");
  return clip;
}

void write_frames(const std::string& path, const std::vector<float>& interleaved, int channels,
                  int sample_rate, WavFormat format) {
  if (channels <= 0 || sample_rate <= 0 || interleaved.size() % static_cast<size_t>(channels)) {
    throw IoError("audio: cannot write " + path + ": bad shape (channels " +
                  std::to_string(channels) + ", rate " + std::to_string(sample_rate) + ")");
  }
  SF_INFO info{};
  info.channels = channels;
  info.samplerate = sample_rate;
  info.format = SF_FORMAT_WAV | (format == WavFormat::Pcm16 ? SF_FORMAT_PCM_16 : SF_FORMAT_FLOAT);
  SndfilePtr file(sf_open(path.c_str(), SFM_WRITE, &info));
  if (!file) throw IoError("audio: cannot write " + path + ": " + sf_strerror(nullptr));
  const sf_count_t frames = static_cast<sf_count_t>(interleaved.size() / channels);
  sf_count_t written = 0;
  if (format == WavFormat::Pcm16) {
    // Our own scaling (libsndfile writes with 32767 but reads with 32768).
    std::vector<short> pcm(interleaved.size());
    std::transform(interleaved.begin(), interleaved.end(), pcm.begin(), pcm16_from_float);
    written = sf_writef_short(file.get(), pcm.data(), frames);
  } else {
    written = sf_writef_float(file.get(), interleaved.data(), frames);
  }
  if (written != frames) {
    throw IoError("audio: writing " + path + " failed: " + sf_strerror(file.get()));
  }
}

}  // namespace

AudioInfo read_audio_info(const std::string& path) {
  SF_INFO info;
  open_for_reading(path, info);
  return AudioInfo{info.frames, info.samplerate, info.channels, format_name(info.format)};
}

AudioClip read_audio(const std::string& path) {
  return decode(path, 0);
}

AudioClip read_audio(const std::string& path, int sample_rate) {
  return resampled(decode(path, 0), sample_rate, path);
}

AudioClip read_audio(const std::string& path, int sample_rate, double max_seconds) {
  if (max_seconds <= 0) return read_audio(path, sample_rate);
  AudioClip clip = resampled(decode(path, max_seconds + kPrefixMarginSeconds), sample_rate, path);
  const auto keep = static_cast<size_t>(std::llround(max_seconds * clip.sample_rate));
  if (clip.samples.size() > keep) clip.samples.resize(keep);
  return clip;
}

void write_wav(const std::string& path, const std::vector<float>& samples, int sample_rate,
               WavFormat format) {
  write_frames(path, samples, /*channels=*/1, sample_rate, format);
}

void write_wav_interleaved(const std::string& path, const std::vector<float>& interleaved,
                           int channels, int sample_rate, WavFormat format) {
  write_frames(path, interleaved, channels, sample_rate, format);
}

const std::vector<std::string>& audio_extensions() {
  static const std::vector<std::string> extensions = {".wav",  ".wave", ".flac", ".ogg",  ".oga",
                                                      ".opus", ".mp3",  ".aif",  ".aiff", ".aifc",
                                                      ".au",   ".snd",  ".caf",  ".w64",  ".rf64"};
  return extensions;
}

}  // namespace audiogan
