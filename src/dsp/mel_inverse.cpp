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

constexpr int kNnlsIterations = 40;

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
  return cache.emplace(config.to_string(), std::move(basis)).first->second;
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
  // The gradient of 0.5 ||fb^T X - M||^2 is fb fb^T X - fb M; fb M is constant.
  torch::Tensor fb_target = to_linear(target, bins, bands, weights, n_freqs);      // [..., K, F]
  torch::Tensor x = torch::matmul(basis.pinv.to(device), target).clamp_min_(0.0);  // [..., K, F]
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
