// Time translation and cutout on spectrogram batches, as DiffAugment's translation (ratio 1/8)
// and cutout (ratio 1/2) on images, with silence instead of zeros as the fill.
#include "train/augment.h"

#include <sstream>

#include "core/error.h"

namespace audiogan {

AugmentPolicy AugmentPolicy::parse(const std::string& text) {
  AugmentPolicy policy;
  if (text == "none") return policy;
  std::stringstream list(text);
  std::string item;
  int count = 0;
  while (std::getline(list, item, ',')) {
    ++count;
    if (item == "translation") {
      policy.translation = true;
    } else if (item == "cutout") {
      policy.cutout = true;
    } else {
      throw ConfigError(
          "--augment: expected \"none\" or a comma list of {translation, cutout}, "
          "got \"" +
          text + "\"");
    }
  }
  if (count == 0) {
    throw ConfigError(
        "--augment: expected \"none\" or a comma list of {translation, cutout}, "
        "got an empty value");
  }
  return policy;
}

namespace {

// Integers uniform in [low, high] drawn from `rng`, one per sample: [B] int64 on the CPU.
torch::Tensor draw(int64_t batch, int64_t low, int64_t high, at::Generator& rng) {
  return torch::randint(low, high + 1, {batch}, rng, torch::kInt64);
}

// x [B, 1, M, F] -> each sample shifted in time by its own offset in [-F/8, F/8].
torch::Tensor translate(const torch::Tensor& x, double silence, at::Generator& rng) {
  const int64_t batch = x.size(0), frames = x.size(3);
  const int64_t reach = frames / 8;
  if (reach == 0) return x;
  const torch::Tensor shifts = draw(batch, -reach, reach, rng);  // [B]
  const torch::Tensor padded =
      torch::constant_pad_nd(x, {reach, reach}, silence);  // [B, 1, M, F + 2 reach]
  // Output frame t is padded frame t + reach - shift: a positive shift moves the sound later.
  // One gather (and one scatter in backward) rather than a slice per sample: a 64-frame step is
  // short enough for per-op overheads to show.
  const torch::Tensor source =
      torch::arange(frames, torch::kInt64).unsqueeze(0) + (reach - shifts).unsqueeze(1);  // [B, F]
  const torch::Tensor index = source.view({batch, 1, 1, frames})
                                  .expand({batch, x.size(1), x.size(2), frames})
                                  .contiguous()
                                  .to(x.device());
  return padded.gather(3, index);
}

// x [B, 1, M, F] -> one rectangle of (M/2) x (F/2) per sample set to silence, centred anywhere
// in the spectrogram (so it may hang over an edge).
torch::Tensor cut_out(const torch::Tensor& x, double silence, at::Generator& rng) {
  const int64_t batch = x.size(0), mels = x.size(2), frames = x.size(3);
  const int64_t cut_mels = mels / 2, cut_frames = frames / 2;
  if (cut_mels == 0 || cut_frames == 0) return x;
  const torch::Tensor mel_start = draw(batch, 0, mels, rng) - cut_mels / 2;        // [B]
  const torch::Tensor frame_start = draw(batch, 0, frames, rng) - cut_frames / 2;  // [B]
  const auto device = x.device();
  const torch::Tensor mel_index = torch::arange(mels, torch::kInt64).view({1, 1, mels, 1});
  const torch::Tensor frame_index = torch::arange(frames, torch::kInt64).view({1, 1, 1, frames});
  const torch::Tensor m0 = mel_start.view({batch, 1, 1, 1});
  const torch::Tensor f0 = frame_start.view({batch, 1, 1, 1});
  const torch::Tensor inside = (mel_index >= m0) & (mel_index < m0 + cut_mels) &
                               (frame_index >= f0) & (frame_index < f0 + cut_frames);
  return x.masked_fill(inside.to(device), silence);  // [B, 1, M, F]
}

}  // namespace

torch::Tensor augment(const torch::Tensor& x, const AugmentPolicy& policy, double silence,
                      at::Generator& rng) {
  if (x.dim() != 4) {
    throw DataError("augment: expected [B, 1, n_mels, frames], got " + std::to_string(x.dim()) +
                    " dimensions");
  }
  torch::Tensor out = x;
  if (policy.translation) out = translate(out, silence, rng);
  if (policy.cutout) out = cut_out(out, silence, rng);
  return out;
}

}  // namespace audiogan
