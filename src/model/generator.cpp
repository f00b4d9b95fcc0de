// The default generator. Layer list and the reason for each choice: docs/design.md.
#include "model/generator.h"

#include <algorithm>

#include "model/clip_length.h"
#include "model/spec_check.h"

namespace audiogan {

Generator::Generator(const ModelSpec& spec) : spec_(resolve_spec(spec, default_width("default"))) {
  const int64_t w = spec_.width;
  h0_ = spec_.n_mels / 16;
  w0_ = spec_.frames / 16;
  embed_ = register_module("embed", torch::nn::Embedding(spec_.num_classes, kEmbedding));
  const int64_t length_inputs = spec_.variable_length ? kLengthFeatures : 0;
  fc_ = register_module(
      "fc", torch::nn::Linear(spec_.latent + kEmbedding + length_inputs, 8 * w * h0_ * w0_));
  // The last upsampling emits the output channel directly, as the seed's last transposed conv
  // does: a full-resolution stage with w channels (norm, ReLU, 3x3 conv to 1 channel) cost 40 %
  // of G's time in memory-bound passes over [B, w, n, f].
  const int64_t channels[] = {8 * w, 4 * w, 2 * w, w, 1};
  const int64_t stat_groups =
      spec_.variable_length
          ? std::max<int64_t>(1, static_cast<int64_t>(spec_.length_buckets.size()))
          : 1;
  for (int i = 0; i < 4; ++i) {
    norms_.push_back(
        register_module("norm" + std::to_string(i + 1),
                        ConditionalBatchNorm2d(channels[i], spec_.num_classes, stat_groups)));
    ups_.push_back(register_module("up" + std::to_string(i + 1),
                                   SubPixelUpsample(channels[i], channels[i + 1])));
  }
  attention_.build(*this, spec_, /*spectral_norm=*/false);
  if (spec_.channels_last) convert_to_channels_last(*this);
}

torch::Tensor Generator::forward(const torch::Tensor& z, const torch::Tensor& labels) {
  if (spec_.variable_length) {
    // Every clip as long as the model makes them.
    return forward_frames(z, labels, torch::full({z.size(0)}, spec_.frames, labels.options()),
                          spec_.frames);
  }
  check_inputs("Generator", z, labels, spec_);
  return decode(torch::cat({z, embed_->forward(labels).to(z.scalar_type())}, 1), labels,
                spec_.frames);
}

torch::Tensor Generator::forward_frames(const torch::Tensor& z, const torch::Tensor& labels,
                                        const torch::Tensor& frames, int64_t width) {
  if (!spec_.variable_length) return GeneratorBase::forward_frames(z, labels, frames, width);
  check_inputs("Generator", z, labels, spec_);
  check_frames("Generator", frames, z.size(0), width, spec_);
  const auto input = torch::cat({z, embed_->forward(labels).to(z.scalar_type()),
                                 length_features(frames, spec_.frames).to(z.scalar_type())},
                                1);
  // The mask is applied outside G's nonlinearity, so frames past a clip's end get no gradient.
  return silence_after(decode(input, labels, width), frames, -1.0);
}

torch::Tensor Generator::decode(const torch::Tensor& input, const torch::Tensor& labels,
                                int64_t width) {
  // [B, 8w, n/16, f/16]; a shorter width keeps the first columns, so a column stands for the
  // same time after the onset at every width.
  auto x = fc_->forward(input).view({-1, 8 * spec_.width, h0_, w0_});
  if (width != spec_.frames) x = x.narrow(3, 0, width / 16);
  if (spec_.channels_last) x = x.contiguous(at::MemoryFormat::ChannelsLast);
  const int64_t group = spec_.variable_length ? length_bucket_group(spec_, width) : 0;
  for (size_t i = 0; i < ups_.size(); ++i) {
    x = attention_(x);  // at the stage of x's height, if --attention names it
    x = norms_[i]->forward(x, labels, group);
    torch::relu_(x);          // in place, as in the discriminator
    x = ups_[i]->forward(x);  // [B, c_{i+1}, 2H, 2W]; the last is [B, 1, n, width]
  }
  // With one channel both layouts hold the same bytes; contiguous() only fixes the strides so
  // callers see a plain NCHW tensor.
  return torch::tanh(x).contiguous();
}

void Generator::pretty_print(std::ostream& stream) const {
  stream << "audiogan::Generator(classes=" << spec_.num_classes << ", latent=" << spec_.latent
         << ", width=" << spec_.width << ", " << spec_.n_mels << "x" << spec_.frames
         << ", sub-pixel upsampling, conditional BN"
         << (attention_.empty() ? "" : ", self-attention")
         << (spec_.variable_length ? ", variable length" : "")
         << (spec_.channels_last ? ", NHWC" : "") << ")";
}

}  // namespace audiogan
