// Log-mel back to audio: expm1 -> mel inversion (non-negative least squares) -> fast Griffin-Lim.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <torch/torch.h>

#include "core/config.h"

namespace audiogan::dsp {

// Where Griffin-Lim's phase search starts.
enum class PhaseStart {
  pghi,    // phase-gradient heuristic integration (dsp/phase_gradient.h), seeded random below it
  random,  // uniform random phase (seeded)
  zero,    // zero phase (torchaudio's rand_init=False)
};

// "pghi", "random" or "zero" -> the start; anything else is a ConfigError naming `flag`.
PhaseStart parse_phase_start(const std::string& name, const std::string& flag);
const char* phase_start_name(PhaseStart start);

struct GriffinLimOptions {
  int iterations = 32;     // [1, inf)
  double momentum = 0.99;  // [0, 1), 0 = plain Griffin-Lim. ref: torchaudio GriffinLim momentum
  PhaseStart start = PhaseStart::pghi;
  uint64_t seed = 0;  // phase initialisation is deterministic given the seed
};

// Mel power [n_mels, F] or [B, n_mels, F] -> linear power [n_fft/2+1, F] (or batched), >= 0,
// by projected-gradient non-negative least squares. ref: librosa.feature.inverse.mel_to_stft.
torch::Tensor mel_to_linear(const torch::Tensor& mel_power, const FrontendConfig& config);

// The pseudo-inverse of the front end's mel filterbank, [n_fft/2+1, n_mels] float32 (a copy):
// mel power [.., n_mels, F] -> its least-squares linear power, mel_to_linear's starting point.
torch::Tensor mel_pseudo_inverse(const FrontendConfig& config);

// Complex unit phases of the given shape, uniform on the circle and fixed by the seed: Griffin-
// Lim's random start, as librosa draws it (torchaudio's complex torch::rand puts every phase in
// [0, pi/2]; over three seeds per clip the two scored within 0.3 dB, docs/vocoder.md).
torch::Tensor uniform_unit_phases(at::IntArrayRef sizes, uint64_t seed);

// Magnitude [n_fft/2+1, F] or [B, n_fft/2+1, F] -> waveform [T] or [B, T], T = (F-1) * hop.
// ref: torchaudio.functional.griffinlim (momentum as in Perraudin et al. 2013).
torch::Tensor griffin_lim(const torch::Tensor& magnitude, const FrontendConfig& config,
                          const GriffinLimOptions& options);

// log1p mel [n_mels, F] or [B, n_mels, F] -> waveform [T] or [B, T]: the whole inverse path.
torch::Tensor log_mel_to_audio(const torch::Tensor& log_mel, const FrontendConfig& config,
                               const GriffinLimOptions& options = {});

// Any log-mel -> audio path, so callers need not know which vocoder they use: log1p mel
// [B, n_mels, F] and a seed (Griffin-Lim's random initial phase; a learned vocoder ignores it)
// -> waveforms [B, T] float32 on the CPU. Griffin-Lim gives T = (F - 1) * hop, a learned
// vocoder F * hop; both start at the centre of frame 0.
using MelVocoder = std::function<torch::Tensor(const torch::Tensor& log_mel, uint64_t seed)>;

// log_mel_to_audio with `options` as a MelVocoder; each call's seed replaces options.seed.
MelVocoder griffin_lim_vocoder(const FrontendConfig& config, const GriffinLimOptions& options);

// Spectral convergence in dB: 20 log10(|| |X| - |Y| ||_F / || |X| ||_F) between a target
// magnitude and the STFT magnitude of `waveform`. Lower is better.
double spectral_convergence_db(const torch::Tensor& target_magnitude, const torch::Tensor& waveform,
                               const FrontendConfig& config);

// Spectral convergence in dB measured in mel space, for when only the log-mel is known: target
// sqrt(expm1(log_mel)) [n_mels, F] against the mel magnitude of `waveform` [T] (frames aligned
// from the start). Lower is better.
double mel_spectral_convergence_db(const torch::Tensor& log_mel, const torch::Tensor& waveform,
                                   const FrontendConfig& config);

}  // namespace audiogan::dsp
