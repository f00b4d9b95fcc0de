// The frame-rate vocoder for the CPU (Vocos-style): a ConvNeXt backbone running at the log-mel's
// frame rate and an inverse-STFT head that predicts each frame's log-magnitude and phase, so the
// network never runs at the sample rate. ref: Siuzdak 2023, "Vocos: Closing the gap between
// time-domain and Fourier-based neural vocoders for high-quality audio synthesis" (arXiv
// 2306.00814), vocos/models.py VocosBackbone and vocos/heads.py ISTFTHead.
#pragma once

#include <torch/torch.h>

#include "core/config.h"
#include "vocoder/vocoder_model.h"

namespace audiogan {

struct FrameVocoderOptions {
  FrameVocoderOptions(int64_t n_mels, int64_t n_fft) : n_mels_(n_mels), n_fft_(n_fft) {}
  TORCH_ARG(int64_t, n_mels);
  TORCH_ARG(int64_t, n_fft);               // the head predicts n_fft/2+1 bins per frame
  TORCH_ARG(int64_t, dim) = 256;           // backbone channels
  TORCH_ARG(int64_t, intermediate) = 768;  // pointwise hidden width
  TORCH_ARG(int64_t, blocks) = 8;
  TORCH_ARG(int64_t, kernel) = 7;          // embedding and depthwise kernel (odd)
  TORCH_ARG(double, max_magnitude) = 1e3;  // exp(log-magnitude) clipped here
  // When defined, the mel filterbank's pseudo-inverse [n_fft/2+1, n_mels] (dsp::
  // mel_pseudo_inverse): the head's log-magnitude is then a correction to the log of the
  // magnitude it gives (VocoderConfig::magnitude "prior").
  TORCH_ARG(torch::Tensor, magnitude_prior);
  // When true the head also predicts each bin's phase advance per frame, and the phase is the
  // direct prediction plus the advances summed over time (VocoderConfig::phase "integrated").
  TORCH_ARG(bool, integrated_phase) = false;
};

// One ConvNeXt block (Liu et al. 2022) on a sequence: depthwise conv k7, LayerNorm over
// channels, pointwise dim -> intermediate, GELU, pointwise back, layer scale, residual.
class ConvNeXtBlockImpl : public torch::nn::Module {
 public:
  ConvNeXtBlockImpl(int64_t dim, int64_t intermediate, int64_t kernel, double layer_scale);
  void reset();
  // x: [B, dim, T] -> [B, dim, T]
  torch::Tensor forward(const torch::Tensor& x);
  // The depthwise convolution alone, [B, dim, T] -> [B, dim, T]: kernel shifted multiply-adds
  // with the weights of the registered Conv1d (so checkpoints hold a plain Conv1d). The same
  // result as that Conv1d's forward, which LibTorch's CPU backend can run as `dim` separate
  // convolutions.
  torch::Tensor depthwise(const torch::Tensor& x);
  void pretty_print(std::ostream& stream) const override;

 private:
  int64_t dim_, intermediate_, kernel_;
  double layer_scale_;
  torch::nn::Conv1d depthwise_{nullptr};
  torch::nn::LayerNorm norm_{nullptr};
  torch::nn::Linear expand_{nullptr}, project_{nullptr};
  torch::Tensor gamma_;  // [dim], layer scale
};
TORCH_MODULE(ConvNeXtBlock);

class FrameVocoderImpl : public VocoderModelImpl {
 public:
  explicit FrameVocoderImpl(const FrameVocoderOptions& options);
  void reset();

  // log1p mel [B, n_mels, T] (exactly what the cache stores and Griffin-Lim receives) ->
  // waveform [B, T * hop]. Output sample i is time i / sample_rate after the centre of frame 0,
  // as the front end's centred STFT places its frames.
  torch::Tensor forward(const torch::Tensor& log_mel, const FrontendConfig& frontend) override;
  std::string arch() const override { return "vocos"; }
  double macs_per_frame() const override;

  // The backbone and the head's linear layer: [B, n_mels, T] -> log-magnitude and phase, each
  // [B, n_fft/2+1, T] (the log-magnitude with the prior's added when there is one; the phase
  // with the summed advances when integrated).
  std::pair<torch::Tensor, torch::Tensor> predict_spectrum(const torch::Tensor& log_mel);

  // The head's synthesis without the network: log-magnitude and phase [B, n_fft/2+1, T] ->
  // waveform [B, T * hop] by exp (clipped at max_magnitude), polar -> complex, and the front
  // end's iSTFT (centred Hann frames, squared-window normalisation).
  static torch::Tensor synthesise(const torch::Tensor& log_magnitude, const torch::Tensor& phase,
                                  const FrontendConfig& frontend, double max_magnitude);

  const FrameVocoderOptions& options() const { return options_; }
  void pretty_print(std::ostream& stream) const override;

 private:
  FrameVocoderOptions options_;
  torch::nn::Conv1d embed_{nullptr};
  torch::nn::LayerNorm embed_norm_{nullptr}, final_norm_{nullptr};
  torch::nn::ModuleList blocks_{nullptr};
  torch::nn::Linear head_{nullptr};
  torch::Tensor prior_basis_;  // [n_fft/2+1, n_mels] or undefined
};
TORCH_MODULE(FrameVocoder);

// The log of the magnitude the pseudo-inverse `basis` [K, n_mels] gives a log1p mel
// [B, n_mels, T]: 0.5 log(max(basis expm1(log_mel), 1e-10)), [B, K, T], float32. The floor is
// FreeV's 1e-5 on the magnitude.
torch::Tensor prior_log_magnitude(const torch::Tensor& basis, const torch::Tensor& log_mel);

// The integrated phase: phase + the advances summed over frames, phase[t] + sum_{u <= t}
// advance[u]; both [B, K, T], float32 out. A frame-rate network sees the same input at every
// frame of a steady tone, so it cannot give that tone's phase directly (it moves by the tone's
// frequency x hop each frame, 2 pi k hop / n_fft at bin k's centre); a constant advance is what
// it can give, and the sum turns it into the moving phase (a phase vocoder's rule).
torch::Tensor integrate_phase(const torch::Tensor& phase, const torch::Tensor& advance);

// Multiply-accumulates of one forward pass per frame (backbone and head; the iSTFT not
// counted), for the cost arithmetic of docs/vocoder.md.
int64_t frame_vocoder_macs_per_frame(const FrameVocoderOptions& options);

// The frame-rate vocoder `config` describes (dim, blocks, intermediate, max_magnitude), for the
// front end's n_mels and n_fft.
struct VocoderConfig;
FrameVocoder make_frame_vocoder(const VocoderConfig& config, const FrontendConfig& frontend);

}  // namespace audiogan
