// A phase for a magnitude-only STFT without iterations: phase-gradient heuristic integration
// (PGHI). Griffin-Lim starts from it instead of a random phase: on held-out digits and drums the
// start lowered the spectral convergence after 32 fast Griffin-Lim iterations by 1.4 and 1.8 dB
// (docs/vocoder.md).
// ref: Prusa, Balazs, Sondergaard, "A noniterative method for reconstruction of phase from STFT
// magnitude", IEEE/ACM TASLP 2017 (the heap integration, Algorithm 1); LTFAT's pghi.
#pragma once

#include <torch/torch.h>

#include "core/config.h"

namespace audiogan::dsp {

// The phase's derivatives in the front end's STFT convention (torch.stft, centred frames, a Hann
// window of win_length centred in n_fft), estimated from the log magnitude as for a Gaussian
// window of the same time-frequency spread (lambda = 0.25645 win_length^2):
//   time direction, radians per frame:  (hop n_fft / lambda) d/dk log|X| + 2 pi hop k / n_fft
//   frequency direction, radians per bin: -(lambda / (hop n_fft)) d/dn log|X| + pi
// (the pi per bin: torch measures a frame's phase from its first sample, LTFAT from its centre).
// magnitude [K, F] -> {time [K, F], frequency [K, F]} float64, central differences inside,
// one-sided at the edges, the log floored 200 dB below the peak.
struct PhaseGradient {
  torch::Tensor time;
  torch::Tensor frequency;
};
PhaseGradient phase_gradient(const torch::Tensor& magnitude, const FrontendConfig& config);

// Magnitude [K = n_fft/2+1, F] (>= 0) and unit phases [K, F] complex -> unit phases [K, F]
// complex64 on the magnitude's device. Coefficients above tolerance x the peak get the phase
// integrated along the largest magnitudes first; the rest keep `fallback` (so a seeded random
// fallback keeps Griffin-Lim's result a function of its seed). An all-zero magnitude returns the
// fallback.
torch::Tensor pghi_phase(const torch::Tensor& magnitude, const torch::Tensor& fallback,
                         const FrontendConfig& config, double tolerance = 1e-5);

}  // namespace audiogan::dsp
