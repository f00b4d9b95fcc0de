// In-memory WAV encoder (PCM 16-bit, mono).
#include "serve/wav_bytes.h"

#include <cstdint>

#include "audio/pcm16.h"
#include "core/error.h"

namespace audiogan::serve {
namespace {

void put_u32(std::string& out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

void put_u16(std::string& out, uint16_t value) {
  out.push_back(static_cast<char>(value & 0xff));
  out.push_back(static_cast<char>((value >> 8) & 0xff));
}

}  // namespace

std::string encode_wav_pcm16(const std::vector<float>& samples, int sample_rate) {
  if (sample_rate <= 0) {
    throw DataError("wav encoder: sample rate must be positive, got " +
                    std::to_string(sample_rate));
  }
  const uint64_t data_bytes = static_cast<uint64_t>(samples.size()) * 2;
  if (data_bytes > 0xffffffffull - 36) throw DataError("wav encoder: clip too long for RIFF");
  std::string out;
  out.reserve(44 + data_bytes);
  out += "RIFF";
  put_u32(out, static_cast<uint32_t>(36 + data_bytes));
  out += "WAVEfmt ";
  put_u32(out, 16);                                      // fmt chunk size
  put_u16(out, 1);                                       // WAVE_FORMAT_PCM
  put_u16(out, 1);                                       // channels
  put_u32(out, static_cast<uint32_t>(sample_rate));      // sample rate
  put_u32(out, static_cast<uint32_t>(sample_rate) * 2);  // byte rate
  put_u16(out, 2);                                       // block align
  put_u16(out, 16);                                      // bits per sample
  out += "data";
  put_u32(out, static_cast<uint32_t>(data_bytes));
  for (float sample : samples) {
    put_u16(out, static_cast<uint16_t>(pcm16_from_float(sample)));
  }
  return out;
}

}  // namespace audiogan::serve
