// Confusion matrix.
#include "eval/confusion.h"

#include <limits>

#include "core/error.h"

namespace audiogan::eval {

Confusion confusion(const torch::Tensor& intended, const torch::Tensor& predicted,
                    int num_classes) {
  if (intended.dim() != 1 || predicted.sizes() != intended.sizes()) {
    throw DataError("confusion: expected two label vectors [N] of equal length, got " +
                    c10::str(intended.sizes()) + " and " + c10::str(predicted.sizes()));
  }
  const torch::Tensor t = intended.to(torch::kCPU, torch::kInt64);
  const torch::Tensor p = predicted.to(torch::kCPU, torch::kInt64);
  if (t.numel() > 0 && (t.min().item<int64_t>() < 0 || t.max().item<int64_t>() >= num_classes ||
                        p.min().item<int64_t>() < 0 || p.max().item<int64_t>() >= num_classes)) {
    throw DataError("confusion: labels must be in [0, " + std::to_string(num_classes) + ")");
  }
  Confusion result;
  // Flattened index row * C + column, counted in one pass.
  result.matrix = torch::bincount(t * num_classes + p, /*weights=*/{},
                                  /*minlength=*/num_classes * num_classes)
                      .view({num_classes, num_classes});
  int64_t correct = 0;
  for (int c = 0; c < num_classes; ++c) {
    const int64_t row = result.matrix[c].sum().item<int64_t>();
    const int64_t hit = result.matrix[c][c].item<int64_t>();
    result.counts.push_back(row);
    result.per_class.push_back(row > 0 ? static_cast<double>(hit) / row
                                       : std::numeric_limits<double>::quiet_NaN());
    correct += hit;
  }
  result.overall = t.numel() > 0 ? static_cast<double>(correct) / t.numel() : 0.0;
  return result;
}

}  // namespace audiogan::eval
