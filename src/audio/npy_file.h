// NumPy .npy files of float32 tensors: how spectrograms leave and enter audiogan (`mel`,
// `vocode`) and how reference fixtures made by torchaudio are read. ref: numpy.lib.format v1-v3.
#pragma once

#include <string>

namespace audiogan {

// Reads a little-endian float32 ('<f4'), C-order .npy file of any rank into a contiguous CPU
// float32 tensor. Throws IoError naming the path and what is wrong (missing, not .npy, another
// dtype, Fortran order, a shape the data does not fill).
torch::Tensor read_npy(const std::string& path);

// Writes `tensor` (any rank; converted to contiguous CPU float32) as a version 1.0 .npy file.
// Throws IoError naming the path.
void write_npy(const std::string& path, const torch::Tensor& tensor);

}  // namespace audiogan
