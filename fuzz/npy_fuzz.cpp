// Fuzzes the .npy reader on arbitrary file contents. IoError and DataError are the documented
// rejections; anything else (c10::Error, std::bad_alloc, ...) escapes and is a finding.
#include <torch/torch.h>

#include <cstdint>

#include "audio/npy_file.h"
#include "core/error.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using audiogan::fuzz::require;
  const audiogan::fuzz::TempInput input(data, size, ".npy");
  try {
    const torch::Tensor tensor = audiogan::read_npy(input.path());
    require(tensor.scalar_type() == torch::kFloat32, "read_npy returns float32");
    require(tensor.is_contiguous(), "read_npy returns a contiguous tensor");
    // Every element must be readable: a shape the data does not fill is an error, not garbage.
    require(static_cast<size_t>(tensor.numel()) * 2 <= size, "the file holds every element");
    if (tensor.numel() > 0) (void)tensor.sum().item<float>();
  } catch (const audiogan::Error&) {
    // IoError (not .npy, malformed, truncated) or DataError (another dtype).
  }
  return 0;
}
