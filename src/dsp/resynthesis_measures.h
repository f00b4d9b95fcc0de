// How faithfully a re-synthesised waveform matches the original, on the front end's linear STFT
// magnitude (n_fft, hop, Hann; centred frames). Used to compare vocoders on held-out audio.
#pragma once

#include <torch/torch.h>

#include "core/config.h"

namespace audiogan::dsp {

// Spectral convergence in dB: 20 log10(|| |X| - |Y| ||_F / || |X| ||_F), X = STFT of `reference`,
// Y = STFT of `estimate`, both [T] float32 waveforms (the longer is cut to the shorter's length,
// both starting at sample 0). Lower is better; identical signals give -inf; an all-silent
// reference gives 0 (nothing to converge to). ref: Arik et al. 2019 (Fast spectrogram
// inversion), eq. 1, and dsp::spectral_convergence_db, which takes a target magnitude instead.
double waveform_spectral_convergence_db(const torch::Tensor& reference,
                                        const torch::Tensor& estimate,
                                        const FrontendConfig& config);

// Log-spectral distance in dB: the mean over frames of sqrt(mean over bins of
// (10 log10 P_X - 10 log10 P_Y)^2), P = max(|STFT|^2, floor), floor = the reference's peak power
// x 1e-8 (80 dB below it), so digital silence in either signal counts as "80 dB down" rather
// than as an infinite error. Same alignment as waveform_spectral_convergence_db. 0 for identical
// signals. ref: Gray & Markel 1976 (the RMS log-spectral distance), as used in the vocoder
// literature (e.g. NU-Wave, Lee & Han 2021) with an explicit floor.
double log_spectral_distance_db(const torch::Tensor& reference, const torch::Tensor& estimate,
                                const FrontendConfig& config);

}  // namespace audiogan::dsp
