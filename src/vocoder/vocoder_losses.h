// Reconstruction losses of the vocoder: the multi-resolution STFT loss (spectral convergence +
// log-magnitude L1, ref: Yamamoto et al. 2020, Parallel WaveGAN, eq. 4-6) and the mel L1 of
// HiFi-GAN / Vocos (L1 between log mel magnitudes, ref: Kong et al. 2020 eq. 2). Both compare a
// predicted waveform with the original one; both are differentiable in the prediction.
#pragma once

#include <vector>

#include <torch/torch.h>

#include "core/config.h"

namespace audiogan {

struct StftResolution {
  int n_fft = 1024;
  int hop = 256;
  int win = 1024;
};

// (512, 128), (1024, 256), (2048, 512) with win = n_fft: Parallel WaveGAN's three resolutions
// rounded to powers of two, so transients (short window) and low tones (long one) both count.
const std::vector<StftResolution>& default_stft_resolutions();

// STFT magnitude [B, n_fft/2+1, 1 + T/hop] of a waveform [B, T] through dsp::stft (centred,
// reflection), with a floor inside the square root so the gradient is finite at silence.
torch::Tensor stft_magnitude(const torch::Tensor& waveform, const StftResolution& resolution);

struct MultiResolutionStftLoss {
  torch::Tensor spectral_convergence;  // scalar: mean over resolutions of ||T-P||_F / ||T||_F
  torch::Tensor log_magnitude;         // scalar: mean over resolutions of mean |log T - log P|
  torch::Tensor total() const { return spectral_convergence + log_magnitude; }
};

// prediction, target: [B, T] waveforms of equal shape.
MultiResolutionStftLoss multi_resolution_stft_loss(
    const torch::Tensor& prediction, const torch::Tensor& target,
    const std::vector<StftResolution>& resolutions = default_stft_resolutions());

// Mean |log(max(M(P), 1e-5)) - log(max(M(T), 1e-5))| over [B, frames, n_mels], M = the square
// root of the mel power of the front end (same STFT and filterbank as dsp::log_mel). `filterbank`:
// dsp::mel_filterbank(frontend) [n_fft/2+1, n_mels] on the waveforms' device. The log with a
// floor, not the front end's log1p: log1p is linear below power 1, where quiet detail would
// weigh nothing.
torch::Tensor mel_l1_loss(const torch::Tensor& prediction, const torch::Tensor& target,
                          const FrontendConfig& frontend, const torch::Tensor& filterbank);

// The phase-derivative loss: how far the prediction's instantaneous frequency and group delay
// are from the target's, on the front end's STFT. For each STFT (complex [B, K, F], magnitudes
// compressed to their square root) it forms the products of neighbouring frames X[t] conj(X[t-1])
// and of neighbouring bins X[k] conj(X[k-1]), whose angles are the phase's time and frequency
// differences and whose magnitudes weigh them by the energy there; the loss is the mean over the
// two directions of ||products(P) - products(T)||_F / ||products(T)||_F. So it is 0 for any
// prediction that equals the target up to one constant phase, and no angle is taken: the
// gradient stays finite at silence. This supervises phase directly, as APNet's instantaneous-
// frequency and group-delay losses do (Ai & Ling 2023), where the STFT and mel losses see phase
// only through the magnitude it leaves after overlap-add. prediction, target: [B, T] waveforms.
torch::Tensor phase_derivative_loss(const torch::Tensor& prediction, const torch::Tensor& target,
                                    const FrontendConfig& frontend);

}  // namespace audiogan
