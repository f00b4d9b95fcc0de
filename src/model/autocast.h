// Mixed-precision autocast switches that compile against LibTorch 1.13 and 2.x: 2.4 replaced the
// per-device functions (set_cpu_enabled, set_autocast_cpu_dtype, ...) by ones taking a device type.
#pragma once

#include <ATen/autocast_mode.h>
#include <torch/version.h>

namespace audiogan {

#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define AUDIOGAN_AUTOCAST_BY_DEVICE 1
#else
#define AUDIOGAN_AUTOCAST_BY_DEVICE 0
#endif

// Whether autocast is on for `device` (kCPU or kCUDA).
inline bool autocast_enabled(c10::DeviceType device) {
#if AUDIOGAN_AUTOCAST_BY_DEVICE
  return at::autocast::is_autocast_enabled(device);
#else
  return device == c10::DeviceType::CPU ? at::autocast::is_cpu_enabled()
                                        : at::autocast::is_enabled();
#endif
}

// The lower-precision dtype autocast casts to on `device`.
inline at::ScalarType autocast_dtype(c10::DeviceType device) {
#if AUDIOGAN_AUTOCAST_BY_DEVICE
  return at::autocast::get_autocast_dtype(device);
#else
  return device == c10::DeviceType::CPU ? at::autocast::get_autocast_cpu_dtype()
                                        : at::autocast::get_autocast_gpu_dtype();
#endif
}

// Turns autocast on or off for `device` and sets its dtype (kBFloat16 on CPU, kHalf on CUDA).
inline void set_autocast(c10::DeviceType device, bool enabled, at::ScalarType dtype) {
#if AUDIOGAN_AUTOCAST_BY_DEVICE
  at::autocast::set_autocast_dtype(device, dtype);
  at::autocast::set_autocast_enabled(device, enabled);
#else
  if (device == c10::DeviceType::CPU) {
    at::autocast::set_autocast_cpu_dtype(dtype);
    at::autocast::set_cpu_enabled(enabled);
  } else {
    at::autocast::set_autocast_gpu_dtype(dtype);
    at::autocast::set_enabled(enabled);
  }
#endif
}

// RAII scope for autocast, like Python's `with torch.autocast(...)`: sets the state on entry and
// restores the previous one on exit. On leaving the outermost scope it clears the cache of
// low-precision weight copies: autocast caches the cast of every leaf parameter, and an
// optimizer step updates parameters in place, so a cache that outlives a step would feed stale
// weights to the next one. Open one scope per training step (forward + backward).
class AutocastScope {
 public:
  AutocastScope(c10::DeviceType device, bool enabled, at::ScalarType dtype)
      : device_(device),
        was_enabled_(autocast_enabled(device)),
        previous_dtype_(autocast_dtype(device)) {
    set_autocast(device_, enabled, dtype);
    at::autocast::increment_nesting();
  }
  ~AutocastScope() {
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    set_autocast(device_, was_enabled_, previous_dtype_);
  }
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  c10::DeviceType device_;
  bool was_enabled_;
  at::ScalarType previous_dtype_;
};

}  // namespace audiogan
