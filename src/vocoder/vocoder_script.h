// The learned vocoder inside a generator export (train/export.h), so that Python's
// torch.jit.load gives spectrogram -> waveform without audiogan. As for the generator, LibTorch
// cannot script the C++ module: its eval forward is restated as TorchScript source over the same
// weights, and a test holds the two equal.
//
// bundle_vocoder adds to the export:
//   vocoder/...         the vocoder's weights: vocos's (its ConvNeXt blocks as block0, block1,
//                       ...) and `window`, the front end's periodic Hann window; or hifigan's
//                       generator/... (weight-normalised: weight_g and weight_v, combined in
//                       the source)
//   vocode(log_mel)     log1p mel [B, n_mels, T] -> waveform [B, T * hop] (the model's forward;
//                       negative values clipped to 0 first, as audiogan's own path does)
//   audio(z, labels)    log_mel(z, labels), then vocode: [B, frames * hop]
//   metadata "vocoder"  its checkpoint path, front end, settings and the two methods
#pragma once

#include <string>

#include <torch/script.h>
#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "vocoder/hifigan.h"
#include "vocoder/vocoder_checkpoint.h"

namespace audiogan {

// TorchScript source of `vocode` for a FrameVocoder of `options` on `frontend`, reading the
// weights from self.vocoder as bundle_vocoder stores them.
std::string vocoder_script_source(const FrameVocoderOptions& options,
                                  const FrontendConfig& frontend);

// TorchScript source of `vocode` for HiFi-GAN's generator of config `c` (either arch's vocode
// has the same signature), reading the weights from self.vocoder.generator.
std::string hifigan_script_source(const HifiGanConfig& c);

// Adds `vocoder` to an export being built (an ExportExtension). Throws DataError when its front
// end is not the generator's (metadata["frontend_toml"]'s), naming both values.
void bundle_vocoder(torch::jit::Module& exported, nlohmann::json& metadata,
                    const LoadedVocoder& vocoder);

}  // namespace audiogan
