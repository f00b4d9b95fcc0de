// In-memory WAV encoding: the server hands generated clips to the browser without temp files.
#pragma once

#include <string>
#include <vector>

namespace audiogan::serve {

// Mono samples -> a complete RIFF/WAVE file (PCM 16-bit little endian), each sample converted
// as write_wav converts it (audio/pcm16.h: clipped to [-1, 1), non-finite samples silent). ref: Microsoft RIFF WAVE format, WAVE_FORMAT_PCM.
std::string encode_wav_pcm16(const std::vector<float>& samples, int sample_rate);

}  // namespace audiogan::serve
