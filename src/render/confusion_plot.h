// Confusion-matrix heat map for the evaluation report: true class down, predicted class across,
// the count in every cell, colour by the row-normalised share.
#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

namespace audiogan::render {

// counts [C, C] (any integer or float dtype; row = true class, column = predicted class),
// class_names: C names. Throws DataError when shapes and names do not match.
std::string confusion_matrix_png(const torch::Tensor& counts,
                                 const std::vector<std::string>& class_names,
                                 const std::string& title = "Confusion matrix");
// Throws IoError when `path` cannot be written.
void plot_confusion_matrix(const torch::Tensor& counts, const std::vector<std::string>& class_names,
                           const std::string& path, const std::string& title = "Confusion matrix");

}  // namespace audiogan::render
