// Validation of model specs and model inputs with messages that name the setting or the shape.
#include "model/spec_check.h"

#include <sstream>

#include "core/error.h"
#include "model/attention.h"

namespace audiogan {

namespace {
std::string shape_of(const torch::Tensor& t) {
  std::ostringstream s;
  s << t.sizes();
  return s.str();
}

void check_labels(const char* component, const torch::Tensor& labels, int64_t batch,
                  const ModelSpec& spec) {
  if (labels.dim() != 1 || labels.size(0) != batch || labels.scalar_type() != torch::kLong)
    throw DataError(std::string(component) + ": expected labels [" + std::to_string(batch) +
                    "] int64, got " + shape_of(labels) + " " +
                    std::string(c10::toString(labels.scalar_type())));
  if (batch > 0 && labels.device().is_cpu()) {  // a range check on CUDA would sync
    const int64_t lo = labels.min().item<int64_t>(), hi = labels.max().item<int64_t>();
    if (lo < 0 || hi >= spec.num_classes)
      throw DataError(std::string(component) + ": expected labels in [0, " +
                      std::to_string(spec.num_classes) + "), got values in [" + std::to_string(lo) +
                      ", " + std::to_string(hi) + "]");
  }
}
}  // namespace

ModelSpec resolve_spec(const ModelSpec& spec, int default_width) {
  ModelSpec out = spec;
  if (out.width == 0) out.width = default_width;
  const auto fail = [&](const std::string& what) {
    throw ConfigError("model (--arch " + spec.arch + "): " + what);
  };
  if (out.width < 1)
    fail("--width must be >= 1 (0 = the arch's default), got " + std::to_string(spec.width));
  if (out.num_classes < 1)
    fail("expected at least 1 class, got " + std::to_string(out.num_classes));
  if (out.latent < 1) fail("--latent must be >= 1, got " + std::to_string(out.latent));
  if (out.n_mels < 16 || out.n_mels % 16 != 0)
    fail("--n-mels must be a positive multiple of 16 (the models halve it 4 times), got " +
         std::to_string(out.n_mels));
  if (out.frames < 16 || out.frames % 16 != 0)
    fail("--frames must be a positive multiple of 16 (the models halve it 4 times), got " +
         std::to_string(out.frames));
  if (out.variable_length && out.arch != "default")
    fail(
        "--lengths variable needs --arch default (the seed design is the seeds' fixed 512 frames)");
  check_attention_rows(out);
  return out;
}

void check_inputs(const char* component, const torch::Tensor& z, const torch::Tensor& labels,
                  const ModelSpec& spec) {
  if (z.dim() != 2 || z.size(1) != spec.latent)
    throw DataError(std::string(component) + ": expected z [B, " + std::to_string(spec.latent) +
                    "], got " + shape_of(z));
  check_labels(component, labels, z.size(0), spec);
}

void check_frames(const char* component, const torch::Tensor& frames, int64_t batch, int64_t width,
                  const ModelSpec& spec) {
  if (width < 16 || width % 16 != 0 || width > spec.frames)
    throw DataError(std::string(component) +
                    ": expected a width that is a multiple of 16 in [16, " +
                    std::to_string(spec.frames) + "], got " + std::to_string(width));
  if (frames.dim() != 1 || frames.size(0) != batch || frames.scalar_type() != torch::kLong)
    throw DataError(std::string(component) + ": expected frames [" + std::to_string(batch) +
                    "] int64, got " + shape_of(frames) + " " +
                    std::string(c10::toString(frames.scalar_type())));
  if (batch > 0 && frames.device().is_cpu()) {
    const int64_t lo = frames.min().item<int64_t>(), hi = frames.max().item<int64_t>();
    if (lo < 1 || hi > width)
      throw DataError(std::string(component) + ": expected frames in [1, " + std::to_string(width) +
                      "], got values in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
}

void check_spectrograms(const char* component, const torch::Tensor& x, const torch::Tensor& labels,
                        const ModelSpec& spec) {
  // A variable-length model's D takes every width its G makes.
  const bool width_ok = spec.variable_length ? x.dim() == 4 && x.size(3) >= 16 &&
                                                   x.size(3) % 16 == 0 && x.size(3) <= spec.frames
                                             : x.dim() == 4 && x.size(3) == spec.frames;
  if (x.dim() != 4 || x.size(1) != 1 || x.size(2) != spec.n_mels || !width_ok)
    throw DataError(std::string(component) + ": expected spectrograms [B, 1, " +
                    std::to_string(spec.n_mels) + ", " + std::to_string(spec.frames) + "], got " +
                    shape_of(x));
  check_labels(component, labels, x.size(0), spec);
}

}  // namespace audiogan
