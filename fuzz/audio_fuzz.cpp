// Fuzzes audio decoding (read_audio_info, read_audio with and without resampling) on arbitrary
// file contents. IoError and DataError are the documented rejections; anything else escapes.
#include <cmath>
#include <cstdint>

#include "audio/audio_file.h"
#include "core/error.h"
#include "fuzz_input.h"

namespace {

using audiogan::fuzz::require;

// The rate training reads at, and a prefix short enough to keep each input fast.
constexpr int kTargetRate = 22050;
constexpr double kPrefixSeconds = 0.25;

void check_clip(const audiogan::AudioClip& clip, int rate) {
  require(clip.sample_rate == rate, "clip has the rate asked for");
  for (float x : clip.samples) require(std::isfinite(x), "decoded samples are finite");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const audiogan::fuzz::TempInput input(data, size, ".wav");
  try {
    const audiogan::AudioInfo info = audiogan::read_audio_info(input.path());
    require(info.frames > 0 && info.sample_rate > 0 && info.channels > 0, "header is sane");
    const audiogan::AudioClip clip = audiogan::read_audio(input.path());
    check_clip(clip, info.sample_rate);
    require(static_cast<int64_t>(clip.samples.size()) == info.frames, "all frames decoded");
    const auto prefix = audiogan::read_audio(input.path(), kTargetRate, kPrefixSeconds);
    check_clip(prefix, kTargetRate);
    require(prefix.samples.size() <= static_cast<size_t>(std::lround(kPrefixSeconds * kTargetRate)),
            "a prefix is at most max_seconds long");
  } catch (const audiogan::Error&) {
    // IoError (not audio) or DataError (empty, truncated, non-finite): a correct rejection.
  }
  return 0;
}
