// NumPy .npy files of float32 tensors: how spectrograms leave and enter audiogan (`mel`,
// `vocode`) and how reference fixtures made by torchaudio are read. ref: numpy.lib.format v1-v3.
#pragma once

#include <cstdint>
#include <string>

#include <torch/torch.h>

namespace audiogan {

// NumPy refuses to read a header longer than this (numpy.lib.format, max_header_size).
inline constexpr uint32_t kNpyMaxHeaderBytes = 10000;

// Reads what numpy.save writes for a real-valued array of any rank: float16, float32 or float64
// ('f2', 'f4', 'f8'), either byte order ('<', '>', or '=' for the host's), C or Fortran order
// (a transposed array is saved in Fortran order), format version 1 to 3. Returns a contiguous CPU
// float32 tensor of the array's shape (float64 is rounded to float32). Throws DataError for
// another dtype (integers, complex, structured, ...), IoError naming the path and what is wrong
// otherwise (missing, not .npy, a header over kNpyMaxHeaderBytes or malformed, a shape the data
// does not fill).
torch::Tensor read_npy(const std::string& path);

// Writes `tensor` (any rank; converted to contiguous CPU float32) as a version 1.0 .npy file in
// C order and the host's byte order.
// Throws IoError naming the path.
void write_npy(const std::string& path, const torch::Tensor& tensor);

}  // namespace audiogan
