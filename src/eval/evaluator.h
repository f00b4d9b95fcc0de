// Evaluation of a class-conditional generator against real data: generated log-mels are turned
// into audio with the vocoder and back into log-mels exactly as real files are (so vocoder
// artefacts count), then classified and embedded by the reference classifier.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "dsp/vocoder.h"
#include "eval/reference.h"
#include "eval/report.h"

namespace audiogan {
class Sampler;
}

namespace audiogan::eval {

// What is evaluated: anything that makes log-mels per class and audio from them. A Sampler (a
// checkpoint) is the usual one; the trainer can wrap its in-memory generator.
struct GeneratedSource {
  std::vector<std::string> class_names;
  FrontendConfig frontend;
  // (class index, count, seed) -> log-mels [count, n_mels, frames] in log1p units.
  std::function<torch::Tensor(int, int, uint64_t)> generate;
  // (log-mels [B, n_mels, frames], phase seed) -> B waveforms at frontend.sample_rate. Empty =
  // EvaluationOptions' vocoder.
  using AudioFunction =
      std::function<std::vector<std::vector<float>>(const torch::Tensor&, uint64_t)>;
  AudioFunction to_audio;
};

// Wraps a loaded checkpoint (the Sampler must outlive the source); its audio comes from
// Sampler::to_audio (the Sampler's vocoder, else Griffin-Lim with `options`). The latents are
// drawn with `truncation` as Sampler::latents takes it: < 0 = the model's default, 0 = none.
GeneratedSource source_from_sampler(const Sampler& sampler, const dsp::GriffinLimOptions& options,
                                    double truncation = -1.0);

struct EvaluationOptions {
  int count_per_class = 100;           // generated samples per class, [2, inf)
  uint64_t seed = 0;                   // latents and vocoder phases: deterministic given the seed
  int batch = 32;                      // clips vocoded per progress step
  dsp::GriffinLimOptions griffin_lim;  // the vocoder of the generated and the reconstructed clips
  // Another vocoder instead (e.g. a learned one): empty = Griffin-Lim with `griffin_lim`. Used
  // for the re-synthesis check and the real clips through the vocoder, and for generated clips
  // whose source has no to_audio. `vocoder_name` is recorded in the report.
  dsp::MelVocoder vocoder;
  std::string vocoder_name = "griffin-lim";
  // Real test clips per class for spectral convergence; 0 skips the vocoder check (this and
  // the scores of count_per_class real test clips per class through the vocoder).
  int reconstruction_per_class = 3;
  int ndb_k = 0;               // NDB bins; 0 = real train count / 20 clamped to [2, 50]
  int examples_per_class = 4;  // spectrograms per class in the figure
  bool quick = false;          // recorded in the report

  void validate() const;
};

// The settings of a quick evaluation during training: 16 per class, no reconstruction check.
EvaluationOptions quick_options(uint64_t seed = 0);

EvaluationReport evaluate(const GeneratedSource& source, const EvaluationReference& reference,
                          const EvaluationOptions& options,
                          const EvaluationProgressCallback& progress = {});

}  // namespace audiogan::eval
