// Access to the torchaudio reference fixtures written by scripts/make-dsp-fixtures.py.
#pragma once

#include <string>

#include "audio/npy_file.h"
#include "core/config.h"

namespace audiogan::testing {

inline torch::Tensor dsp_fixture(const std::string& name) {
  return read_npy(std::string(AUDIOGAN_TEST_FIXTURES) + "/dsp/" + name + ".npy");
}

// The settings of one fixture set; the same table is in scripts/make-dsp-fixtures.py.
struct FixtureSetting {
  const char* name;
  FrontendConfig config;
};

inline FrontendConfig make_frontend(int sample_rate, int n_fft, int win, int hop, int n_mels,
                                    double f_min, double f_max, const char* scale,
                                    const char* norm) {
  FrontendConfig c;
  c.sample_rate = sample_rate;
  c.n_fft = n_fft;
  c.win_length = win;
  c.hop_length = hop;
  c.n_mels = n_mels;
  c.f_min = f_min;
  c.f_max = f_max;
  c.mel_scale = scale;
  c.mel_norm = norm;
  c.frames = 0;
  return c;
}

inline const FixtureSetting kFixtureSettings[] = {
    {"htk_none", make_frontend(22050, 1024, 1024, 256, 128, 0, 0, "htk", "none")},
    {"htk_slaney", make_frontend(22050, 1024, 1024, 256, 128, 0, 0, "htk", "slaney")},
    {"slaney_none", make_frontend(22050, 1024, 1024, 256, 128, 0, 0, "slaney", "none")},
    {"slaney_slaney", make_frontend(22050, 1024, 1024, 256, 128, 0, 0, "slaney", "slaney")},
    {"custom", make_frontend(22050, 512, 400, 160, 64, 50, 8000, "htk", "none")},
    {"sr16k", make_frontend(16000, 512, 512, 128, 80, 20, 0, "slaney", "slaney")},
};

// The default front end with clips kept at their own length (no padding or cut to `frames`).
inline FrontendConfig whole_clip_frontend() {
  FrontendConfig config;
  config.frames = 0;
  return config;
}

// max |actual - expected| / max |expected|: the parity measure of the front end.
inline double relative_max_error(const torch::Tensor& actual, const torch::Tensor& expected) {
  return ((actual - expected).abs().max() / expected.abs().max()).item<double>();
}

}  // namespace audiogan::testing
