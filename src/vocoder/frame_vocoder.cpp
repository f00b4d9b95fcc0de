// The frame-rate vocoder (see frame_vocoder.h).
#include "vocoder/frame_vocoder.h"

#include "dsp/stft.h"
#include "dsp/vocoder.h"
#include "vocoder/vocoder_config.h"

namespace audiogan {
namespace {

// LayerNorm over channels of a [B, C, T] tensor, in float32: LibTorch 1.13's CPU autocast
// passes layer_norm a bf16 input with float32 weights, which its kernel rejects.
torch::Tensor channel_norm(torch::nn::LayerNorm& norm, const torch::Tensor& x) {
  return norm(x.to(torch::kFloat32).transpose(1, 2)).transpose(1, 2);
}

// The head's parts, each n_fft/2+1 rows: log-magnitude and phase, and with an integrated phase
// each bin's advance per frame.
int64_t head_parts(const FrameVocoderOptions& o) {
  return o.integrated_phase() ? 3 : 2;
}

}  // namespace

ConvNeXtBlockImpl::ConvNeXtBlockImpl(int64_t dim, int64_t intermediate, int64_t kernel,
                                     double layer_scale)
    : dim_(dim), intermediate_(intermediate), kernel_(kernel), layer_scale_(layer_scale) {
  reset();
}

void ConvNeXtBlockImpl::reset() {
  depthwise_ = register_module(
      "depthwise",
      torch::nn::Conv1d(
          torch::nn::Conv1dOptions(dim_, dim_, kernel_).padding(kernel_ / 2).groups(dim_)));
  norm_ =
      register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim_}).eps(1e-6)));
  expand_ = register_module("expand", torch::nn::Linear(dim_, intermediate_));
  project_ = register_module("project", torch::nn::Linear(intermediate_, dim_));
  gamma_ = register_parameter("gamma", torch::full({dim_}, layer_scale_));
}

torch::Tensor ConvNeXtBlockImpl::depthwise(const torch::Tensor& x) {
  const int64_t frames = x.size(2);
  const int64_t half = kernel_ / 2;
  torch::Tensor padded = torch::constant_pad_nd(x, {half, half}, 0.0);  // [B, dim, T + k - 1]
  torch::Tensor weight = depthwise_->weight.view({1, dim_, kernel_});   // [1, dim, k]
  // Cross-correlation, as Conv1d: out[t] = bias + sum_j w[j] x[t + j - k/2].
  torch::Tensor out = depthwise_->bias.view({1, dim_, 1}).expand_as(x);
  for (int64_t j = 0; j < kernel_; ++j) {
    out = torch::addcmul(out, padded.narrow(2, j, frames), weight.narrow(2, j, 1));
  }
  return out;  // [B, dim, T]
}

torch::Tensor ConvNeXtBlockImpl::forward(const torch::Tensor& x) {
  torch::Tensor h = depthwise(x).transpose(1, 2);  // [B, T, dim]
  h = project_(torch::gelu(expand_(norm_(h))));    // [B, T, dim]
  return x + (h * gamma_).transpose(1, 2);         // [B, dim, T]
}

void ConvNeXtBlockImpl::pretty_print(std::ostream& stream) const {
  stream << "audiogan::ConvNeXtBlock(dim=" << dim_ << ", intermediate=" << intermediate_
         << ", kernel=" << kernel_ << ")";
}

FrameVocoderImpl::FrameVocoderImpl(const FrameVocoderOptions& options) : options_(options) {
  reset();
}

void FrameVocoderImpl::reset() {
  const auto& o = options_;
  TORCH_CHECK(o.kernel() % 2 == 1, "FrameVocoder: expected an odd kernel, got ", o.kernel());
  embed_ = register_module(
      "embed",
      torch::nn::Conv1d(
          torch::nn::Conv1dOptions(o.n_mels(), o.dim(), o.kernel()).padding(o.kernel() / 2)));
  embed_norm_ = register_module(
      "embed_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({o.dim()}).eps(1e-6)));
  blocks_ = register_module("blocks", torch::nn::ModuleList());
  // Layer scale 1/N as Vocos: each block starts as a small perturbation of the identity, so a
  // deep stack trains stably from the first step.
  const double layer_scale = 1.0 / static_cast<double>(o.blocks());
  for (int64_t i = 0; i < o.blocks(); ++i) {
    blocks_->push_back(ConvNeXtBlock(o.dim(), o.intermediate(), o.kernel(), layer_scale));
  }
  final_norm_ = register_module(
      "final_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({o.dim()}).eps(1e-6)));
  head_ = register_module("head", torch::nn::Linear(o.dim(), head_parts(o) * (o.n_fft() / 2 + 1)));
  // Vocos initialises convolutions and linears with trunc_normal(std=0.02), bias 0; a plain
  // normal at the same std is within LibTorch 1.13's API and behaves alike.
  for (auto& p : named_parameters()) {
    const auto& name = p.key();
    const bool is_norm = name.find("norm") != std::string::npos;
    const bool is_gamma = name.size() >= 5 && name.compare(name.size() - 5, 5, "gamma") == 0;
    if (is_norm || is_gamma) continue;
    torch::NoGradGuard no_grad;
    if (name.size() >= 4 && name.compare(name.size() - 4, 4, "bias") == 0) {
      p.value().zero_();
    } else {
      p.value().normal_(0.0, 0.02);
    }
  }
  if (o.magnitude_prior().defined()) {
    const int64_t bins = o.n_fft() / 2 + 1;
    TORCH_CHECK(o.magnitude_prior().sizes() == torch::IntArrayRef({bins, o.n_mels()}),
                "FrameVocoder: expected a magnitude prior [", bins, ", ", o.n_mels(), "], got ",
                o.magnitude_prior().sizes());
    prior_basis_ = register_buffer("prior_basis",
                                   o.magnitude_prior().to(torch::kFloat32).clone().contiguous());
    // The correction starts at zero, so the first step's magnitude is the prior's.
    torch::NoGradGuard no_grad;
    head_->weight.narrow(0, 0, bins).zero_();
  }
}

torch::Tensor prior_log_magnitude(const torch::Tensor& basis, const torch::Tensor& log_mel) {
  torch::Tensor mel_power = torch::expm1(log_mel.to(torch::kFloat32).clamp_min(0.0));  // [B, M, T]
  torch::Tensor power = torch::matmul(basis.to(torch::kFloat32), mel_power);           // [B, K, T]
  return 0.5 * torch::log(power.to(torch::kFloat32).clamp_min(1e-10));
}

torch::Tensor integrate_phase(const torch::Tensor& phase, const torch::Tensor& advance) {
  // In float32: the sum grows with the clip's length, and bf16 would lose the angle in it.
  return phase.to(torch::kFloat32) + torch::cumsum(advance.to(torch::kFloat32), /*dim=*/2);
}

std::pair<torch::Tensor, torch::Tensor> FrameVocoderImpl::predict_spectrum(
    const torch::Tensor& log_mel) {
  TORCH_CHECK(log_mel.dim() == 3 && log_mel.size(1) == options_.n_mels(),
              "FrameVocoder: expected a log-mel [B, n_mels=", options_.n_mels(), ", T], got ",
              log_mel.sizes());
  torch::Tensor x = embed_(log_mel.to(torch::kFloat32));  // [B, dim, T]
  x = channel_norm(embed_norm_, x);
  for (const auto& block : *blocks_) x = block->as<ConvNeXtBlock>()->forward(x);
  torch::Tensor h = final_norm_(x.transpose(1, 2));         // [B, T, dim]
  torch::Tensor out = head_(h).transpose(1, 2);             // [B, parts x (n_fft/2+1), T]
  auto parts = out.chunk(head_parts(options_), /*dim=*/1);  // each [B, n_fft/2+1, T]
  torch::Tensor log_magnitude = parts[0], phase = parts[1];
  if (prior_basis_.defined()) {
    log_magnitude = log_magnitude + prior_log_magnitude(prior_basis_, log_mel);
  }
  if (options_.integrated_phase()) phase = integrate_phase(phase, parts[2]);
  return {log_magnitude, phase};
}

torch::Tensor FrameVocoderImpl::synthesise(const torch::Tensor& log_magnitude,
                                           const torch::Tensor& phase,
                                           const FrontendConfig& frontend, double max_magnitude) {
  // Clip before exp's overflow matters; the clip is far above any magnitude of audio in
  // [-1, 1] at these FFT sizes' dynamic ranges except full-scale low tones (n_fft/2 * amplitude).
  // In float32 whatever the network ran in (complex bf16 does not exist).
  torch::Tensor magnitude = torch::exp(log_magnitude.to(torch::kFloat32)).clamp_max(max_magnitude);
  // The phase is used only through cos/sin, so any real value is a valid angle (Vocos).
  const torch::Tensor angle = phase.to(torch::kFloat32);
  torch::Tensor spectrum =
      torch::complex(magnitude * torch::cos(angle), magnitude * torch::sin(angle));
  const int64_t frames = log_magnitude.size(2);
  return dsp::istft(spectrum, frontend, frames * frontend.hop_length);  // [B, T * hop]
}

torch::Tensor FrameVocoderImpl::forward(const torch::Tensor& log_mel,
                                        const FrontendConfig& frontend) {
  TORCH_CHECK(frontend.n_fft == options_.n_fft(), "FrameVocoder: built for n_fft ",
              options_.n_fft(), ", asked to synthesise with n_fft ", frontend.n_fft);
  auto [log_magnitude, phase] = predict_spectrum(log_mel);
  return synthesise(log_magnitude, phase, frontend, options_.max_magnitude());
}

double FrameVocoderImpl::macs_per_frame() const {
  return static_cast<double>(frame_vocoder_macs_per_frame(options_));
}

void FrameVocoderImpl::pretty_print(std::ostream& stream) const {
  const auto& o = options_;
  stream << "audiogan::FrameVocoder(n_mels=" << o.n_mels() << ", n_fft=" << o.n_fft()
         << ", dim=" << o.dim() << ", intermediate=" << o.intermediate()
         << ", blocks=" << o.blocks() << ", kernel=" << o.kernel()
         << ", magnitude=" << (o.magnitude_prior().defined() ? "prior" : "direct")
         << ", phase=" << (o.integrated_phase() ? "integrated" : "direct") << ")";
}

int64_t frame_vocoder_macs_per_frame(const FrameVocoderOptions& o) {
  const int64_t embed = o.n_mels() * o.dim() * o.kernel();
  const int64_t block = o.dim() * o.kernel() + 2 * o.dim() * o.intermediate();
  const int64_t head = o.dim() * head_parts(o) * (o.n_fft() / 2 + 1);
  const int64_t prior = o.magnitude_prior().defined() ? (o.n_fft() / 2 + 1) * o.n_mels() : 0;
  return embed + o.blocks() * block + head + prior;
}

FrameVocoder make_frame_vocoder(const VocoderConfig& config, const FrontendConfig& frontend) {
  FrameVocoderOptions options = FrameVocoderOptions(frontend.n_mels, frontend.n_fft)
                                    .dim(config.dim)
                                    .intermediate(config.intermediate)
                                    .blocks(config.blocks)
                                    .max_magnitude(config.max_magnitude);
  if (config.magnitude == "prior") options.magnitude_prior(dsp::mel_pseudo_inverse(frontend));
  options.integrated_phase(config.phase == "integrated");
  return FrameVocoder(options);
}

}  // namespace audiogan
