// Fréchet distance between two sets of embeddings, each summarised as a Gaussian (the "FID" of
// Heusel et al. 2017, here on audiogan's own classifier embeddings). Computed in double precision.
#pragma once

#include <cstdint>

#include <torch/torch.h>

namespace audiogan::eval {

// Mean and covariance of a set of embeddings.
struct GaussianStats {
  torch::Tensor mean;  // [D] float64
  torch::Tensor cov;   // [D, D] float64, unbiased (divides by N-1); zero when N < 2
  int64_t count = 0;
};

// embeddings [N, D] (any floating dtype, any device) -> statistics on the CPU in float64.
GaussianStats gaussian_stats(const torch::Tensor& embeddings);

// Square root of a symmetric positive semi-definite matrix [D, D] via its eigendecomposition;
// eigenvalues below zero (rounding) are clamped to zero. Returns a symmetric [D, D] float64.
torch::Tensor sqrtm_psd(const torch::Tensor& matrix);

// ||mu1 - mu2||^2 + tr(S1) + tr(S2) - 2 tr((S1 S2)^(1/2)), with the trace of the square root
// taken from the symmetric form S1^(1/2) S2 S1^(1/2), which has the same eigenvalues as S1 S2
// but is symmetric PSD, so its eigendecomposition is stable. ref: Dowson & Landau 1982; the
// pytorch-fid implementation computes the same quantity with scipy.linalg.sqrtm.
double frechet_distance(const GaussianStats& a, const GaussianStats& b);

// Convenience: embeddings [N1, D] and [N2, D].
double frechet_distance(const torch::Tensor& a, const torch::Tensor& b);

}  // namespace audiogan::eval
