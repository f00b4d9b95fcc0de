// HiFi-GAN's generator, discriminators and losses (see hifigan.h).
#include "vocoder/hifigan.h"

#include "core/error.h"

namespace audiogan {
namespace {

// 'Same' padding of a stride-1 convolution: (k*d - d) / 2.
int64_t same_padding(int64_t kernel, int64_t dilation) {
  return (kernel * dilation - dilation) / 2;
}

torch::Tensor leaky(const torch::Tensor& x, double slope = kHifiGanLeakySlope) {
  return torch::leaky_relu(x, slope);
}

NormConv norm_conv1d(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding,
                     int64_t dilation = 1, int64_t groups = 1, const std::string& norm = "weight") {
  return NormConv(NormConvOptions(in, out, {kernel})
                      .stride({stride})
                      .padding({padding})
                      .dilation({dilation})
                      .groups(groups)
                      .norm(norm));
}

// Runs `convs` with a leaky ReLU after each, then `post`: [B, C, ...] -> score [B, N] and the
// feature map after every layer, as both discriminators do.
std::pair<torch::Tensor, std::vector<torch::Tensor>> discriminate(std::vector<NormConv>& convs,
                                                                  NormConv& post, torch::Tensor x) {
  std::vector<torch::Tensor> features;
  for (auto& conv : convs) {
    x = leaky(conv->forward(x));
    features.push_back(x);
  }
  x = post->forward(x);
  features.push_back(x);
  return {x.flatten(1), features};
}

}  // namespace

HifiGanConfig HifiGanConfig::named(const std::string& name) {
  HifiGanConfig c;
  if (name == "v1" || name == "v2") {
    c.resblock = 1;
    c.upsample_rates = {8, 8, 2, 2};
    c.upsample_kernels = {16, 16, 4, 4};
    c.upsample_initial_channel = name == "v1" ? 512 : 128;
    c.resblock_kernels = {3, 7, 11};
    c.resblock_dilations = {{1, 3, 5}, {1, 3, 5}, {1, 3, 5}};
  } else if (name == "v3") {
    c.resblock = 2;
    c.upsample_rates = {8, 8, 4};
    c.upsample_kernels = {16, 16, 8};
    c.upsample_initial_channel = 256;
    c.resblock_kernels = {3, 5, 7};
    c.resblock_dilations = {{1, 2}, {2, 6}, {3, 12}};
  } else {
    throw ConfigError("hifigan: configuration must be v1, v2 or v3, got '" + name + "'");
  }
  return c;
}

int64_t HifiGanConfig::hop() const {
  int64_t hop = 1;
  for (const int64_t rate : upsample_rates) hop *= rate;
  return hop;
}

// ---- Generator ----

HifiGanResBlockImpl::HifiGanResBlockImpl(int kind, int64_t channels, int64_t kernel,
                                         const std::vector<int64_t>& dilations) {
  for (size_t i = 0; i < dilations.size(); ++i) {
    const int64_t d = dilations[i];
    dilated_.push_back(
        register_module("dilated" + std::to_string(i),
                        norm_conv1d(channels, channels, kernel, 1, same_padding(kernel, d), d)));
    if (kind == 1) {
      plain_.push_back(
          register_module("plain" + std::to_string(i),
                          norm_conv1d(channels, channels, kernel, 1, same_padding(kernel, 1))));
    }
  }
}

torch::Tensor HifiGanResBlockImpl::forward(torch::Tensor x) {
  for (size_t i = 0; i < dilated_.size(); ++i) {
    torch::Tensor h = dilated_[i]->forward(leaky(x));
    if (!plain_.empty()) h = plain_[i]->forward(leaky(h));
    x = x + h;
  }
  return x;
}

HifiGanGeneratorImpl::HifiGanGeneratorImpl(int64_t n_mels, const HifiGanConfig& config)
    : config_(config) {
  const auto& c = config_;
  if (c.upsample_rates.size() != c.upsample_kernels.size() ||
      c.resblock_kernels.size() != c.resblock_dilations.size() || c.upsample_rates.empty()) {
    throw ConfigError(
        "hifigan: one kernel per upsampling rate and one dilation list per "
        "residual kernel are needed");
  }
  int64_t channels = c.upsample_initial_channel;
  pre_ = register_module("pre", norm_conv1d(n_mels, channels, 7, 1, 3));
  for (size_t i = 0; i < c.upsample_rates.size(); ++i) {
    const int64_t rate = c.upsample_rates[i], kernel = c.upsample_kernels[i];
    // Padding (k - u) / 2 makes each upsampling exactly u times longer.
    ups_.push_back(register_module("up" + std::to_string(i),
                                   NormConv(NormConvOptions(channels, channels / 2, {kernel})
                                                .stride({rate})
                                                .padding({(kernel - rate) / 2})
                                                .transposed(true))));
    channels /= 2;
    std::vector<HifiGanResBlock> blocks;
    for (size_t j = 0; j < c.resblock_kernels.size(); ++j) {
      blocks.push_back(register_module(
          "block" + std::to_string(i) + "_" + std::to_string(j),
          HifiGanResBlock(c.resblock, channels, c.resblock_kernels[j], c.resblock_dilations[j])));
    }
    stages_.push_back(std::move(blocks));
  }
  post_ = register_module("post", norm_conv1d(channels, 1, 7, 1, 3));
}

torch::Tensor HifiGanGeneratorImpl::forward(const torch::Tensor& log_mel) {
  torch::Tensor x = pre_->forward(log_mel.to(torch::kFloat32));  // [B, C, T]
  for (size_t i = 0; i < ups_.size(); ++i) {
    x = ups_[i]->forward(leaky(x));  // [B, C / 2^(i+1), T * rates so far]
    // The multi-receptive-field fusion: the mean of the stage's residual blocks.
    torch::Tensor sum = stages_[i][0]->forward(x);
    for (size_t j = 1; j < stages_[i].size(); ++j) sum = sum + stages_[i][j]->forward(x);
    x = sum / static_cast<double>(stages_[i].size());
  }
  // The reference uses PyTorch's default slope (0.01) before the output convolution.
  return torch::tanh(post_->forward(leaky(x, 0.01))).squeeze(1);  // [B, T * hop]
}

HifiGanVocoderImpl::HifiGanVocoderImpl(const FrontendConfig& frontend, const HifiGanConfig& config)
    : n_mels_(frontend.n_mels) {
  if (config.hop() != frontend.hop_length) {
    throw ConfigError(
        "hifigan: the upsampling rates multiply to " + std::to_string(config.hop()) +
        " samples per frame, but the front end's hop_length is " +
        std::to_string(frontend.hop_length) +
        "; HiFi-GAN's configurations serve hop 256 only: use --arch vocos for this front end");
  }
  generator_ = register_module("generator", HifiGanGenerator(frontend.n_mels, config));
}

torch::Tensor HifiGanVocoderImpl::forward(const torch::Tensor& log_mel,
                                          const FrontendConfig& frontend) {
  TORCH_CHECK(frontend.hop_length == config().hop() && log_mel.size(1) == n_mels_,
              "HifiGanVocoder: built for ", n_mels_, " mels and hop ", config().hop(),
              ", asked for ", log_mel.size(1), " mels and hop ", frontend.hop_length);
  return generator_->forward(log_mel).to(torch::kFloat32);  // float32 under autocast too
}

double HifiGanVocoderImpl::macs_per_frame() const {
  return hifigan_generator_macs_per_sample(n_mels_, config()) * static_cast<double>(config().hop());
}

// ---- Discriminators ----

PeriodDiscriminatorImpl::PeriodDiscriminatorImpl(int64_t period) : period_(period) {
  const std::vector<int64_t> channels = {1, 32, 128, 512, 1024, 1024};
  for (size_t i = 0; i + 1 < channels.size(); ++i) {
    const bool last = i + 2 == channels.size();
    convs_.push_back(register_module("conv" + std::to_string(i),
                                     NormConv(NormConvOptions(channels[i], channels[i + 1], {5, 1})
                                                  .stride({last ? 1 : 3, 1})
                                                  .padding({2, 0}))));
  }
  post_ = register_module("post", NormConv(NormConvOptions(1024, 1, {3, 1}).padding({1, 0})));
}

std::pair<torch::Tensor, std::vector<torch::Tensor>> PeriodDiscriminatorImpl::forward(
    torch::Tensor x) {
  const int64_t length = x.size(2);
  if (length % period_ != 0) {
    x = torch::reflection_pad1d(x, {0, period_ - length % period_});
  }
  x = x.view({x.size(0), x.size(1), x.size(2) / period_, period_});  // [B, 1, T/p, p]
  return discriminate(convs_, post_, x);
}

ScaleDiscriminatorImpl::ScaleDiscriminatorImpl(bool spectral_norm) {
  const std::string norm = spectral_norm ? "spectral" : "weight";
  struct Layer {
    int64_t in, out, kernel, stride, groups;
  };
  const std::vector<Layer> layers = {
      {1, 128, 15, 1, 1},     {128, 128, 41, 2, 4},    {128, 256, 41, 2, 16}, {256, 512, 41, 4, 16},
      {512, 1024, 41, 4, 16}, {1024, 1024, 41, 1, 16}, {1024, 1024, 5, 1, 1}};
  for (size_t i = 0; i < layers.size(); ++i) {
    const Layer& l = layers[i];
    convs_.push_back(register_module(
        "conv" + std::to_string(i),
        norm_conv1d(l.in, l.out, l.kernel, l.stride, (l.kernel - 1) / 2, 1, l.groups, norm)));
  }
  post_ = register_module("post", norm_conv1d(1024, 1, 3, 1, 1, 1, 1, norm));
}

std::pair<torch::Tensor, std::vector<torch::Tensor>> ScaleDiscriminatorImpl::forward(
    torch::Tensor x) {
  return discriminate(convs_, post_, x);
}

MultiPeriodDiscriminatorImpl::MultiPeriodDiscriminatorImpl() {
  for (const int64_t period : {2, 3, 5, 7, 11}) {
    discriminators_.push_back(
        register_module("period" + std::to_string(period), PeriodDiscriminator(period)));
  }
}

DiscriminatorOutputs MultiPeriodDiscriminatorImpl::forward(const torch::Tensor& waveform) {
  DiscriminatorOutputs out;
  for (auto& d : discriminators_) {
    auto [score, features] = d->forward(waveform);
    out.scores.push_back(score);
    out.features.push_back(std::move(features));
  }
  return out;
}

MultiScaleDiscriminatorImpl::MultiScaleDiscriminatorImpl() {
  for (int i = 0; i < 3; ++i) {
    discriminators_.push_back(
        register_module("scale" + std::to_string(i), ScaleDiscriminator(/*spectral_norm=*/i == 0)));
  }
}

DiscriminatorOutputs MultiScaleDiscriminatorImpl::forward(const torch::Tensor& waveform) {
  DiscriminatorOutputs out;
  torch::Tensor x = waveform;
  for (size_t i = 0; i < discriminators_.size(); ++i) {
    if (i > 0) x = torch::avg_pool1d(x, {4}, {2}, {2});
    auto [score, features] = discriminators_[i]->forward(x);
    out.scores.push_back(score);
    out.features.push_back(std::move(features));
  }
  return out;
}

HifiGanDiscriminatorImpl::HifiGanDiscriminatorImpl() {
  period_ = register_module("period", MultiPeriodDiscriminator());
  scale_ = register_module("scale", MultiScaleDiscriminator());
}

DiscriminatorOutputs HifiGanDiscriminatorImpl::forward(const torch::Tensor& waveform) {
  const torch::Tensor x = waveform.unsqueeze(1);  // [B, 1, T]
  DiscriminatorOutputs out = period_->forward(x);
  DiscriminatorOutputs scales = scale_->forward(x);
  for (size_t i = 0; i < scales.scores.size(); ++i) {
    out.scores.push_back(scales.scores[i]);
    out.features.push_back(std::move(scales.features[i]));
  }
  return out;
}

// ---- Losses ----

torch::Tensor hifigan_discriminator_loss(const DiscriminatorOutputs& real,
                                         const DiscriminatorOutputs& fake) {
  torch::Tensor loss = torch::zeros({}, real.scores.front().options());
  for (size_t i = 0; i < real.scores.size(); ++i) {
    loss = loss + (1 - real.scores[i]).square().mean() + fake.scores[i].square().mean();
  }
  return loss;
}

torch::Tensor hifigan_generator_loss(const DiscriminatorOutputs& fake) {
  torch::Tensor loss = torch::zeros({}, fake.scores.front().options());
  for (const auto& score : fake.scores) loss = loss + (1 - score).square().mean();
  return loss;
}

torch::Tensor feature_matching_loss(const DiscriminatorOutputs& real,
                                    const DiscriminatorOutputs& fake) {
  torch::Tensor loss = torch::zeros({}, fake.scores.front().options());
  for (size_t i = 0; i < real.features.size(); ++i) {
    for (size_t j = 0; j < real.features[i].size(); ++j) {
      loss = loss + (real.features[i][j].detach() - fake.features[i][j]).abs().mean();
    }
  }
  return 2 * loss;
}

double hifigan_generator_macs_per_sample(int64_t n_mels, const HifiGanConfig& c) {
  // Per input frame, then divided by the samples a frame becomes.
  double channels = static_cast<double>(c.upsample_initial_channel);
  double length = 1.0;  // positions per frame at the current stage
  double macs = channels * static_cast<double>(n_mels) * 7;
  double per_block = 0;  // convolution taps of one stage's residual blocks
  for (size_t j = 0; j < c.resblock_kernels.size(); ++j) {
    const double convs =
        static_cast<double>(c.resblock_dilations[j].size()) * (c.resblock == 1 ? 2 : 1);
    per_block += convs * static_cast<double>(c.resblock_kernels[j]);
  }
  for (size_t i = 0; i < c.upsample_rates.size(); ++i) {
    macs += channels * (channels / 2) * static_cast<double>(c.upsample_kernels[i]) * length;
    channels /= 2;
    length *= static_cast<double>(c.upsample_rates[i]);
    macs += channels * channels * per_block * length;
  }
  macs += channels * 7 * length;
  return macs / length;
}

}  // namespace audiogan
