// The learned vocoder, whichever its architecture: a module that turns log1p mels into waveforms.
// train-vocoder trains one, checkpoints hold one, and generate / evaluate / serve / vocode run
// one through this interface alone; only construction (make_vocoder_model) and the TorchScript
// export (vocoder_script.h) know the architectures.
//   "vocos"    FrameVocoder (frame_vocoder.h): ConvNeXt at the frame rate + an iSTFT head
//   "hifigan"  HifiGanVocoder (hifigan.h): HiFi-GAN's upsampling generator
#pragma once

#include <memory>
#include <string>

#include <torch/torch.h>

#include "core/config.h"

namespace audiogan {

struct VocoderConfig;

class VocoderModelImpl : public torch::nn::Module {
 public:
  // log1p mel [B, n_mels, T] -> waveform [B, T * hop]. Throws ConfigError when the input or
  // the front end is not the one the model was built for.
  virtual torch::Tensor forward(const torch::Tensor& log_mel, const FrontendConfig& frontend) = 0;
  // "vocos" or "hifigan".
  virtual std::string arch() const = 0;
  // Multiply-accumulates of one forward pass per log-mel frame (convolutions and linear layers;
  // the iSTFT not counted), for the cost arithmetic of docs/vocoder.md.
  virtual double macs_per_frame() const = 0;
};
using VocoderModel = std::shared_ptr<VocoderModelImpl>;

// The model `config` describes for the front end's n_mels, n_fft and hop. Throws ConfigError
// when the architecture cannot serve that front end (HiFi-GAN's upsampling must equal the hop).
VocoderModel make_vocoder_model(const VocoderConfig& config, const FrontendConfig& frontend);

}  // namespace audiogan
