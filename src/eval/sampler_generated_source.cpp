// A Sampler (a loaded checkpoint) as the source of an evaluation. Kept apart from the evaluator
// so that code evaluating an in-memory generator does not link the checkpoint loader.
#include "eval/evaluator.h"
#include "infer/sampler.h"

namespace audiogan::eval {

GeneratedSource source_from_sampler(const Sampler& sampler, const dsp::GriffinLimOptions& options,
                                    double truncation) {
  GeneratedSource source;
  source.class_names = sampler.class_names();
  source.frontend = sampler.frontend();
  source.generate = [&sampler, truncation](int class_index, int count, uint64_t seed) {
    torch::NoGradGuard no_grad;
    return sampler.generate_log_mel(class_index, count, seed, truncation);
  };
  source.to_audio = [&sampler, options](const torch::Tensor& log_mels, uint64_t seed) {
    dsp::GriffinLimOptions gl = options;
    gl.seed = seed;
    return sampler.to_audio(log_mels, gl);
  };
  return source;
}

}  // namespace audiogan::eval
