// Fast Griffin-Lim: phase recovery from a magnitude by alternating projections with momentum.
// ref: torchaudio 0.13 functional.griffinlim (same update, momentum m used as m / (1 + m), same
// rand/zero initialisation), Perraudin, Balazs, Sondergaard, "A fast Griffin-Lim algorithm" 2013.
#include <ATen/CPUGeneratorImpl.h>

#include <vector>

#include "core/error.h"
#include "dsp/row_parallel.h"
#include "dsp/stft.h"
#include "dsp/vocoder.h"

namespace audiogan::dsp {

namespace {

// Fast Griffin-Lim iterations on spec [B, K, F] from complex unit phases `angles` [B, K, F];
// returns the waveform [B, length].
torch::Tensor iterate(const torch::Tensor& spec, torch::Tensor angles, const FrontendConfig& config,
                      const GriffinLimOptions& options, int64_t length) {
  const double alpha = options.momentum / (1.0 + options.momentum);
  torch::Tensor previous;
  for (int i = 0; i < options.iterations; ++i) {
    torch::Tensor rebuilt = stft(istft(spec * angles, config, length), config);
    // New tensors each time, so the in-place normalisation never touches `rebuilt`.
    angles = (alpha > 0.0 && previous.defined()) ? torch::sub(rebuilt, previous, alpha)
                                                 : rebuilt.clone();
    angles.div_(angles.abs().add_(1e-16));
    previous = rebuilt;
  }
  return istft(spec * angles, config, length);
}

}  // namespace

torch::Tensor griffin_lim(const torch::Tensor& magnitude, const FrontendConfig& config,
                          const GriffinLimOptions& options) {
  if (magnitude.dim() != 2 && magnitude.dim() != 3) {
    throw DataError("griffin_lim: expected a magnitude [K, F] or [B, K, F], got " +
                    std::to_string(magnitude.dim()) + " dimensions");
  }
  if (magnitude.size(-2) != config.n_fft / 2 + 1) {
    throw DataError("griffin_lim: expected " + std::to_string(config.n_fft / 2 + 1) +
                    " frequency bins (n_fft " + std::to_string(config.n_fft) + "), got " +
                    std::to_string(magnitude.size(-2)));
  }
  if (options.iterations < 1) {
    throw ConfigError("griffin_lim: --iters expected >= 1, got " +
                      std::to_string(options.iterations));
  }
  if (!(options.momentum >= 0.0 && options.momentum < 1.0)) {
    throw ConfigError("griffin_lim: --momentum expected in [0, 1), got " +
                      std::to_string(options.momentum));
  }
  const bool batched = magnitude.dim() == 3;
  torch::Tensor spec =
      (batched ? magnitude : magnitude.unsqueeze(0)).to(torch::kFloat32);  // [B, K, F]
  const int64_t length = (spec.size(2) - 1) * config.hop_length;
  const auto complex = torch::TensorOptions().dtype(torch::kComplexFloat);

  torch::Tensor angles;  // [B, K, F] complex
  if (options.random_init) {
    // Drawn on the CPU from a private generator so the result depends only on the seed.
    auto generator = at::make_generator<at::CPUGeneratorImpl>(options.seed);
    angles = torch::rand(spec.sizes(), generator, complex).to(spec.device());
  } else {
    angles = torch::ones(spec.sizes(), complex.device(spec.device()));
  }
  // Rows are independent, so they are iterated one at a time: a whole batch's [B, K, F] complex
  // intermediates fall out of the caches and made a batch of 32 three times slower per clip than
  // single clips. The phases were drawn for the whole batch above, so results do not change;
  // on a CPU the rows run in parallel, each single-threaded (dsp/row_parallel.h).
  const auto one_row = [&](int64_t row) {
    return iterate(spec.narrow(0, row, 1), angles.narrow(0, row, 1), config, options, length);
  };
  std::vector<torch::Tensor> rows(static_cast<size_t>(spec.size(0)));
  for_each_row(spec, [&](int64_t row) { rows[static_cast<size_t>(row)] = one_row(row); });
  torch::Tensor waveform = torch::cat(rows, 0);  // [B, T]
  return batched ? waveform : waveform.squeeze(0);
}

}  // namespace audiogan::dsp
