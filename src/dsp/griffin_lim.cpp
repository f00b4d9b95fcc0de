// Fast Griffin-Lim: phase recovery from a magnitude by alternating projections with momentum,
// started by default from phase-gradient heuristic integration (dsp/phase_gradient.h).
// ref: torchaudio 0.13 functional.griffinlim (same update, momentum m used as m / (1 + m), same
// zero initialisation; the random one is librosa's), Perraudin, Balazs, Sondergaard, "A fast
// Griffin-Lim algorithm" 2013.
#include <ATen/CPUGeneratorImpl.h>

#include <vector>

#include "core/error.h"
#include "dsp/phase_gradient.h"
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

PhaseStart parse_phase_start(const std::string& name, const std::string& flag) {
  if (name == "pghi") return PhaseStart::pghi;
  if (name == "random") return PhaseStart::random;
  if (name == "zero") return PhaseStart::zero;
  throw ConfigError(flag + ": expected pghi, random or zero, got '" + name + "'");
}

const char* phase_start_name(PhaseStart start) {
  switch (start) {
    case PhaseStart::pghi:
      return "pghi";
    case PhaseStart::random:
      return "random";
    case PhaseStart::zero:
      return "zero";
  }
  return "pghi";
}

torch::Tensor uniform_unit_phases(at::IntArrayRef sizes, uint64_t seed) {
  // Drawn on the CPU from a private generator so the result depends only on the seed.
  auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  torch::Tensor phase = torch::rand(sizes, generator, torch::kFloat32) * (2.0 * M_PI);
  return torch::polar(torch::ones_like(phase), phase);
}

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

  // Random phases are drawn for the whole batch from one seeded generator; PGHI then replaces
  // them row by row where the magnitude is significant.
  torch::Tensor angles =
      options.start == PhaseStart::zero
          ? torch::ones(spec.sizes(), complex.device(spec.device()))
          : uniform_unit_phases(spec.sizes(), options.seed).to(spec.device());  // [B, K, F]
  // Rows are independent, so they are iterated one at a time: a whole batch's [B, K, F] complex
  // intermediates fall out of the caches and made a batch of 32 three times slower per clip than
  // single clips. The phases were drawn for the whole batch above, so results do not change;
  // on a CPU the rows run in parallel, each single-threaded (dsp/row_parallel.h).
  const auto one_row = [&](int64_t row) {
    torch::Tensor start = angles.narrow(0, row, 1);
    if (options.start == PhaseStart::pghi) {
      start = pghi_phase(spec[row], start.squeeze(0), config).unsqueeze(0);
    }
    return iterate(spec.narrow(0, row, 1), start, config, options, length);
  };
  std::vector<torch::Tensor> rows(static_cast<size_t>(spec.size(0)));
  for_each_row(spec, [&](int64_t row) { rows[static_cast<size_t>(row)] = one_row(row); });
  torch::Tensor waveform = torch::cat(rows, 0);  // [B, T]
  return batched ? waveform : waveform.squeeze(0);
}

}  // namespace audiogan::dsp
