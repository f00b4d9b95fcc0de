// The factory behind --arch: builds the generator and discriminator a ModelSpec names.
#include "model/gan_models.h"

#include <algorithm>
#include <map>
#include <vector>

#include "core/error.h"
#include "model/clip_length.h"
#include "model/discriminator.h"
#include "model/generator.h"
#include "model/seed_discriminator.h"
#include "model/seed_generator.h"

namespace audiogan {

namespace {
[[noreturn]] void unknown_arch(const std::string& arch) {
  throw ConfigError("model: --arch must be one of {seed, default}, got '" + arch + "'");
}
}  // namespace

int default_width(const std::string& arch) {
  if (arch == "seed") return 64;     // the seeds' 512-channel bottleneck
  if (arch == "default") return 32;  // fits the CPU time budget; see docs/design.md
  unknown_arch(arch);
}

torch::Tensor GeneratorBase::forward_frames(const torch::Tensor&, const torch::Tensor&,
                                            const torch::Tensor&, int64_t) {
  throw ConfigError(
      "model: this generator makes clips of one fixed length (trained without "
      "--lengths variable); it takes no per-clip length");
}

torch::Tensor GeneratorBase::forward_lengths(const torch::Tensor& z, const torch::Tensor& labels,
                                             const torch::Tensor& frames, int64_t max_frames) {
  // Clips of one sampling width together: a short clip drawn at a long clip's width would be at
  // a width training never paired with its length.
  const auto cpu_frames = frames.to(torch::kCPU, torch::kLong).contiguous();
  std::map<int64_t, std::vector<int64_t>> rows_by_width;
  for (int64_t i = 0; i < cpu_frames.numel(); ++i) {
    rows_by_width[sampling_width(cpu_frames.data_ptr<int64_t>()[i], max_frames)].push_back(i);
  }
  std::vector<torch::Tensor> parts(static_cast<size_t>(cpu_frames.numel()));
  for (const auto& [width, rows] : rows_by_width) {
    const auto index = torch::tensor(rows, torch::kLong).to(z.device());
    const auto made = forward_frames(z.index_select(0, index), labels.index_select(0, index),
                                     frames.index_select(0, index), width);  // [n, 1, M, width]
    const auto padded = torch::constant_pad_nd(made, {0, max_frames - width}, -1.0);
    for (size_t k = 0; k < rows.size(); ++k) {
      parts[static_cast<size_t>(rows[k])] = padded[static_cast<int64_t>(k)];
    }
  }
  return torch::stack(parts);  // [B, 1, M, max_frames]
}

int64_t length_bucket_group(const ModelSpec& spec, int64_t width) {
  const auto& widths = spec.length_buckets;
  if (widths.empty()) return 0;
  const auto it = std::lower_bound(widths.begin(), widths.end(), width);
  return it == widths.end() ? static_cast<int64_t>(widths.size()) - 1 : it - widths.begin();
}

std::shared_ptr<GeneratorBase> make_generator(const ModelSpec& spec) {
  if (spec.arch == "seed") return std::make_shared<SeedGenerator>(spec);
  if (spec.arch == "default") return std::make_shared<Generator>(spec);
  unknown_arch(spec.arch);
}

std::shared_ptr<DiscriminatorBase> make_discriminator(const ModelSpec& spec) {
  if (spec.arch == "seed") return std::make_shared<SeedDiscriminator>(spec);
  if (spec.arch == "default") return std::make_shared<Discriminator>(spec);
  unknown_arch(spec.arch);
}

}  // namespace audiogan
