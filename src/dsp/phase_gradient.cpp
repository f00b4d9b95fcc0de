// Phase-gradient heuristic integration. ref: Prusa, Balazs, Sondergaard 2017, Algorithm 1.
#include "dsp/phase_gradient.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <queue>
#include <utility>
#include <vector>

#include "core/error.h"

namespace audiogan::dsp {
namespace {

// The time-frequency spread of a Hann window as a Gaussian's: lambda = 0.25645 L^2 (Prusa et al.
// 2017, Table I).
constexpr double kHannLambda = 0.25645;

// d/d(axis) of x [K, F] float64: central differences inside, one-sided at the two edges, 0 when
// the axis has one element.
torch::Tensor difference(const torch::Tensor& x, int64_t axis) {
  const int64_t n = x.size(axis);
  torch::Tensor d = torch::zeros_like(x);
  if (n < 2) return d;
  if (n > 2)
    d.narrow(axis, 1, n - 2).copy_((x.narrow(axis, 2, n - 2) - x.narrow(axis, 0, n - 2)) / 2);
  d.narrow(axis, 0, 1).copy_(x.narrow(axis, 1, 1) - x.narrow(axis, 0, 1));
  d.narrow(axis, n - 1, 1).copy_(x.narrow(axis, n - 1, 1) - x.narrow(axis, n - 2, 1));
  return d;
}

}  // namespace

PhaseGradient phase_gradient(const torch::Tensor& magnitude, const FrontendConfig& config) {
  torch::Tensor s = magnitude.detach().to(torch::kCPU, torch::kFloat64);  // [K, F]
  const double peak = s.numel() > 0 ? s.max().item<double>() : 0.0;
  torch::Tensor log_s = torch::log(s.clamp_min(1e-10 * peak + 1e-30));
  const double lambda = kHannLambda * config.win_length * config.win_length;
  const double hop = config.hop_length, n_fft = config.n_fft;
  torch::Tensor bins = torch::arange(s.size(0), torch::kFloat64).unsqueeze(1);  // [K, 1]
  PhaseGradient g;
  g.time = (hop * n_fft / lambda) * difference(log_s, 0) + (2.0 * M_PI * hop / n_fft) * bins;
  g.frequency = -(lambda / (hop * n_fft)) * difference(log_s, 1) + M_PI;
  return g;
}

torch::Tensor pghi_phase(const torch::Tensor& magnitude, const torch::Tensor& fallback,
                         const FrontendConfig& config, double tolerance) {
  if (magnitude.dim() != 2 || magnitude.size(0) != config.n_fft / 2 + 1 ||
      fallback.sizes() != magnitude.sizes()) {
    throw DataError("pghi_phase: expected a magnitude [" + std::to_string(config.n_fft / 2 + 1) +
                    ", F] and phases of the same shape");
  }
  if (magnitude.numel() >= (int64_t{1} << 32)) {  // the heap packs an index into 32 bits
    throw DataError("pghi_phase: a magnitude of at most 2^32 coefficients expected");
  }
  torch::Tensor s = magnitude.detach().to(torch::kCPU, torch::kFloat64).contiguous();
  const int64_t bins = s.size(0), frames = s.size(1);
  torch::Tensor phase = torch::angle(fallback.detach().to(torch::kCPU, torch::kComplexDouble))
                            .contiguous();  // [K, F] float64
  const double peak = s.numel() > 0 ? s.max().item<double>() : 0.0;
  if (peak > 0.0) {
    const PhaseGradient g = phase_gradient(s, config);
    const torch::Tensor time = g.time.contiguous(), frequency = g.frequency.contiguous();
    const double* tg = time.data_ptr<double>();
    const double* fg = frequency.data_ptr<double>();
    const double* mag = s.data_ptr<double>();
    double* ph = phase.data_ptr<double>();
    const double threshold = tolerance * peak;
    const auto count = static_cast<size_t>(bins * frames);
    std::vector<char> done(count);
    size_t pending = 0;  // significant coefficients without a phase yet
    for (size_t i = 0; i < count; ++i) {
      done[i] = mag[i] <= threshold;
      pending += !done[i];
    }
    // Heap entries pack a magnitude's float bits (ordered like the values, as they are >= 0)
    // above the coefficient's index: one integer compare per heap step.
    const auto key = [&](int64_t at) {
      uint32_t bits = 0;
      const auto value = static_cast<float>(mag[at]);
      std::memcpy(&bits, &value, sizeof bits);
      return (static_cast<uint64_t>(bits) << 32) | static_cast<uint64_t>(at);
    };
    std::priority_queue<uint64_t> heap;  // the largest magnitude on top
    // Gives neighbour `to` of `from` the phase integrated with the trapezoid rule over `grad`.
    const auto reach = [&](int64_t from, int64_t to, const double* grad, double sign) {
      if (done[static_cast<size_t>(to)]) return;
      ph[to] = ph[from] + sign * 0.5 * (grad[from] + grad[to]);
      done[static_cast<size_t>(to)] = 1;
      --pending;
      heap.push(key(to));
    };
    // Integrates outwards from `start`, always from the largest coefficient reached so far.
    const auto integrate_from = [&](int64_t start) {
      ph[start] = 0.0;  // the island's largest coefficient anchors its phase
      done[static_cast<size_t>(start)] = 1;
      --pending;
      heap.push(key(start));
      while (!heap.empty()) {
        const auto at = static_cast<int64_t>(heap.top() & 0xffffffffu);
        heap.pop();
        const int64_t k = at / frames, n = at % frames;
        if (n + 1 < frames) reach(at, at + 1, tg, 1.0);
        if (n > 0) reach(at, at - 1, tg, -1.0);
        if (k + 1 < bins) reach(at, at + frames, fg, 1.0);
        if (k > 0) reach(at, at - frames, fg, -1.0);
      }
    };
    integrate_from(s.argmax().item<int64_t>());
    if (pending > 0) {
      // Islands cut off by faint coefficients, each started from its own largest: rare, so
      // only then are the coefficients sorted.
      std::vector<int64_t> order(count);
      std::iota(order.begin(), order.end(), 0);
      std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return mag[a] > mag[b]; });
      for (int64_t start : order) {
        if (pending == 0 || mag[start] <= threshold) break;
        if (!done[static_cast<size_t>(start)]) integrate_from(start);
      }
    }
  }
  torch::Tensor angle = torch::remainder(phase, 2.0 * M_PI).to(torch::kFloat32);
  return torch::polar(torch::ones_like(angle), angle).to(magnitude.device());
}

}  // namespace audiogan::dsp
