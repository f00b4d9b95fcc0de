// Mel power -> linear power by non-negative least squares, batched: the clamped pseudo-inverse
// followed by accelerated projected gradient (FISTA) on 0.5 ||fb^T X - M||^2 subject to X >= 0.
// ref: librosa.feature.inverse.mel_to_stft / librosa.util.nnls (same problem and start point;
// librosa solves it with L-BFGS-B per block, FISTA does the same job with batched sparse products).
#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <vector>

#include "dsp/mel.h"
#include "dsp/row_parallel.h"
#include "dsp/vocoder.h"

namespace audiogan::dsp {
namespace {

// 200 rather than 40: on held-out digits and drums the extra iterations lowered Griffin-Lim's
// spectral convergence by about 0.4 dB and its log-spectral distance by about 0.1 dB
// (docs/vocoder.md); the fused CPU loop below runs them in about the time the tensor form
// took for 40.
constexpr int kNnlsIterations = 200;
constexpr int64_t kFramesPerBlock = 32;

// What mel_to_linear needs per front-end setting, computed once (the pseudo-inverse costs an SVD).
struct MelInverseBasis {
  torch::Tensor fb;      // [K, M]
  torch::Tensor fb_t;    // [M, K]
  torch::Tensor pinv;    // [K, M], pseudo-inverse of fb^T
  double lipschitz = 1;  // largest eigenvalue of fb fb^T: 1/L is a safe gradient step
  // The non-zeros of fb (each frequency bin lies in at most two triangles), so that the
  // products in the iterations cost O(nnz F) instead of O(K M F).
  torch::Tensor bins;     // [nnz] int64, row index k
  torch::Tensor bands;    // [nnz] int64, column index m
  torch::Tensor weights;  // [nnz] float32
  // The same non-zeros as plain arrays for the fused CPU loop, in bin order (torch's nonzero()
  // is row-major): bin k's lie in [bin_start[k], bin_start[k + 1]).
  std::vector<int64_t> bin_start;  // [K + 1]
  std::vector<int64_t> cpu_bins, cpu_bands;
  std::vector<float> cpu_weights;
};

// fb^T X: [..., K, F] -> [..., M, F], over the non-zeros only.
torch::Tensor to_mel(const torch::Tensor& x, const torch::Tensor& bins, const torch::Tensor& bands,
                     const torch::Tensor& weights, int64_t n_mels) {
  const int64_t axis = x.dim() - 2;
  auto shape = x.sizes().vec();
  shape[axis] = n_mels;
  torch::Tensor terms = x.index_select(axis, bins) * weights.unsqueeze(-1);  // [..., nnz, F]
  return torch::zeros(shape, x.options()).index_add_(axis, bands, terms);
}

// fb R: [..., M, F] -> [..., K, F], over the non-zeros only.
torch::Tensor to_linear(const torch::Tensor& r, const torch::Tensor& bins,
                        const torch::Tensor& bands, const torch::Tensor& weights, int64_t n_freqs) {
  const int64_t axis = r.dim() - 2;
  auto shape = r.sizes().vec();
  shape[axis] = n_freqs;
  torch::Tensor terms = r.index_select(axis, bands) * weights.unsqueeze(-1);  // [..., nnz, F]
  return torch::zeros(shape, r.options()).index_add_(axis, bins, terms);
}

const MelInverseBasis& basis_for(const FrontendConfig& config) {
  static std::mutex mutex;
  static std::map<std::string, MelInverseBasis> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto found = cache.find(config.to_string());
  if (found != cache.end()) return found->second;
  MelInverseBasis basis;
  basis.fb = mel_filterbank(config).to(torch::kFloat64);
  basis.fb_t = basis.fb.t().contiguous();
  basis.pinv = torch::pinverse(basis.fb_t);
  // Power iteration on the small [M, M] Gram matrix.
  torch::Tensor gram = torch::matmul(basis.fb_t, basis.fb);
  torch::Tensor v = torch::ones({gram.size(0)}, torch::kFloat64);
  for (int i = 0; i < 100; ++i) v = torch::matmul(gram, v) / (v.norm() + 1e-300);
  v = v / (v.norm() + 1e-300);
  basis.lipschitz = std::max(torch::dot(v, torch::matmul(gram, v)).item<double>() * 1.01, 1e-12);
  basis.fb = basis.fb.to(torch::kFloat32);
  basis.fb_t = basis.fb_t.to(torch::kFloat32);
  basis.pinv = basis.pinv.to(torch::kFloat32).contiguous();
  torch::Tensor nonzero = basis.fb.nonzero();  // [nnz, 2]
  basis.bins = nonzero.select(1, 0).contiguous();
  basis.bands = nonzero.select(1, 1).contiguous();
  basis.weights = basis.fb.index({basis.bins, basis.bands}).contiguous();
  const auto nnz = static_cast<size_t>(basis.bins.numel());
  basis.cpu_bins.assign(basis.bins.data_ptr<int64_t>(), basis.bins.data_ptr<int64_t>() + nnz);
  basis.cpu_bands.assign(basis.bands.data_ptr<int64_t>(), basis.bands.data_ptr<int64_t>() + nnz);
  basis.cpu_weights.assign(basis.weights.data_ptr<float>(), basis.weights.data_ptr<float>() + nnz);
  basis.bin_start.assign(static_cast<size_t>(basis.fb.size(0)) + 1, 0);
  for (int64_t bin : basis.cpu_bins) ++basis.bin_start[static_cast<size_t>(bin) + 1];
  for (size_t k = 1; k < basis.bin_start.size(); ++k) basis.bin_start[k] += basis.bin_start[k - 1];
  return cache.emplace(config.to_string(), std::move(basis)).first->second;
}

// FISTA's iterations for one clip on the CPU, fused into two passes per iteration: the mel
// product of y, then per bin the gradient, the projected step and the momentum update. The
// tensor form below allocates and sweeps [K, F] arrays six times per iteration; this loop runs
// 200 iterations in about the time that took for 40. The same arithmetic per element, summed in
// another order (results agree to rounding, tests/dsp/vocoder_test.cpp).
// x, y [K, F] float32 contiguous (updated in place), target [M, F] float32 contiguous.
void fista_on_cpu(torch::Tensor& x, torch::Tensor& y, const torch::Tensor& target,
                  const MelInverseBasis& basis, float step) {
  const int64_t n_freqs = x.size(0), frames = x.size(1), n_mels = target.size(0);
  std::vector<float> mel(static_cast<size_t>(n_mels * frames));
  std::vector<float> fb_target(static_cast<size_t>(n_freqs * frames), 0.0f);  // fb M
  std::vector<float> gradient(static_cast<size_t>(frames));
  const float* target_data = target.data_ptr<float>();
  float* xs = x.data_ptr<float>();
  float* ys = y.data_ptr<float>();
  for (size_t i = 0; i < basis.cpu_bins.size(); ++i) {
    const float w = basis.cpu_weights[i];
    const float* from = target_data + basis.cpu_bands[i] * frames;
    float* to = fb_target.data() + basis.cpu_bins[i] * frames;
    for (int64_t f = 0; f < frames; ++f) to[f] += w * from[f];
  }
  double t = 1.0;
  for (int iteration = 0; iteration < kNnlsIterations; ++iteration) {
    std::fill(mel.begin(), mel.end(), 0.0f);  // fb^T y
    for (size_t i = 0; i < basis.cpu_bins.size(); ++i) {
      const float w = basis.cpu_weights[i];
      const float* from = ys + basis.cpu_bins[i] * frames;
      float* to = mel.data() + basis.cpu_bands[i] * frames;
      for (int64_t f = 0; f < frames; ++f) to[f] += w * from[f];
    }
    const double t_next = (1.0 + std::sqrt(1.0 + 4.0 * t * t)) / 2.0;
    const auto momentum = static_cast<float>((t - 1.0) / t_next);
    t = t_next;
    for (int64_t k = 0; k < n_freqs; ++k) {
      // gradient = fb fb^T y - fb M for bin k, over the (at most two) bands it lies in.
      const float* fb_m = fb_target.data() + k * frames;
      for (int64_t f = 0; f < frames; ++f) gradient[static_cast<size_t>(f)] = -fb_m[f];
      for (int64_t i = basis.bin_start[static_cast<size_t>(k)];
           i < basis.bin_start[static_cast<size_t>(k) + 1]; ++i) {
        const float w = basis.cpu_weights[static_cast<size_t>(i)];
        const float* m = mel.data() + basis.cpu_bands[static_cast<size_t>(i)] * frames;
        for (int64_t f = 0; f < frames; ++f) gradient[static_cast<size_t>(f)] += w * m[f];
      }
      float* xk = xs + k * frames;
      float* yk = ys + k * frames;
      for (int64_t f = 0; f < frames; ++f) {
        const float next = std::max(yk[f] - step * gradient[static_cast<size_t>(f)], 0.0f);
        yk[f] = next + momentum * (next - xk[f]);
        xk[f] = next;
      }
    }
  }
}

}  // namespace

torch::Tensor mel_pseudo_inverse(const FrontendConfig& config) {
  return basis_for(config).pinv.clone();
}

torch::Tensor mel_to_linear(const torch::Tensor& mel_power, const FrontendConfig& config) {
  if (mel_power.dim() == 3 && mel_power.size(0) > 1 && mel_power.device().is_cpu()) {
    // Row by row on a CPU, as Griffin-Lim does: a batch's [B, nnz, F] intermediates fall out of
    // the caches on every one of the iterations, and rows are independent (so they also run in
    // parallel, dsp/row_parallel.h).
    std::vector<torch::Tensor> rows(static_cast<size_t>(mel_power.size(0)));
    for_each_row(mel_power, [&](int64_t row) {
      rows[static_cast<size_t>(row)] = mel_to_linear(mel_power.narrow(0, row, 1), config);
    });
    return torch::cat(rows, 0);  // [B, K, F]
  }
  const MelInverseBasis& basis = basis_for(config);
  const auto device = mel_power.device();
  torch::Tensor bins = basis.bins.to(device);
  torch::Tensor bands = basis.bands.to(device);
  torch::Tensor weights = basis.weights.to(device);
  const int64_t n_freqs = basis.fb.size(0);
  const int64_t n_mels = basis.fb.size(1);
  torch::Tensor target = mel_power.to(torch::kFloat32).clamp_min(0.0);  // [..., M, F]
  const float step = static_cast<float>(1.0 / basis.lipschitz);
  if (device.is_cpu() && !target.requires_grad()) {
    const bool batched = target.dim() == 3;  // [1, M, F]: larger batches went row by row above
    // One clip as [M, F] whether it came alone or from a batch, so both round alike.
    torch::Tensor row = (batched ? target.squeeze(0) : target).contiguous();
    torch::Tensor x = torch::matmul(basis.pinv, row).clamp_min_(0.0);  // [K, F]
    // Frames are independent problems: solving a block of them at a time keeps its arrays in
    // the cache through all the iterations (a whole clip's four [K, F] arrays do not fit).
    for (int64_t first = 0; first < row.size(1); first += kFramesPerBlock) {
      const int64_t count = std::min(kFramesPerBlock, row.size(1) - first);
      torch::Tensor x_block = x.narrow(1, first, count).contiguous();
      torch::Tensor y_block = x_block.clone();
      fista_on_cpu(x_block, y_block, row.narrow(1, first, count).contiguous(), basis, step);
      x.narrow(1, first, count).copy_(x_block);
    }
    return batched ? x.unsqueeze(0) : x;
  }
  torch::Tensor x = torch::matmul(basis.pinv.to(device), target).clamp_min_(0.0);  // [..., K, F]
  // The gradient of 0.5 ||fb^T X - M||^2 is fb fb^T X - fb M; fb M is constant.
  torch::Tensor fb_target = to_linear(target, bins, bands, weights, n_freqs);  // [..., K, F]
  torch::Tensor y = x;
  double t = 1.0;
  for (int i = 0; i < kNnlsIterations; ++i) {
    torch::Tensor gradient =
        to_linear(to_mel(y, bins, bands, weights, n_mels), bins, bands, weights, n_freqs) -
        fb_target;
    torch::Tensor next = (y - step * gradient).clamp_min_(0.0);
    const double t_next = (1.0 + std::sqrt(1.0 + 4.0 * t * t)) / 2.0;
    y = next + static_cast<float>((t - 1.0) / t_next) * (next - x);
    x = next;
    t = t_next;
  }
  return x;
}

}  // namespace audiogan::dsp
