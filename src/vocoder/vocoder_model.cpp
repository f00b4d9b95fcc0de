// Construction of the learned vocoder by architecture (see vocoder_model.h).
#include "vocoder/vocoder_model.h"

#include "vocoder/frame_vocoder.h"
#include "vocoder/hifigan.h"
#include "vocoder/vocoder_config.h"

namespace audiogan {

VocoderModel make_vocoder_model(const VocoderConfig& config, const FrontendConfig& frontend) {
  if (config.arch == "hifigan") {
    HifiGanConfig hifigan = HifiGanConfig::named(config.hifigan);
    if (config.hifigan_channels > 0) hifigan.upsample_initial_channel = config.hifigan_channels;
    return HifiGanVocoder(frontend, hifigan).ptr();
  }
  return make_frame_vocoder(config, frontend).ptr();
}

}  // namespace audiogan
