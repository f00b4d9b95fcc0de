// Spectral normalisation, conditional batch norm and sub-pixel upsampling.
#include "model/layers.h"

#include <cmath>

#include "core/error.h"
#include "model/autocast.h"

namespace audiogan {

namespace {

// Unit-norm random vector [n], the starting point of the power iteration.
torch::Tensor random_unit_vector(int64_t n) {
  auto v = torch::randn({n});
  return v / (v.norm() + 1e-12);
}

// Kaiming-uniform initialisation with a = sqrt(5), as torch.nn.Conv2d and Linear use.
void default_init(torch::Tensor& weight, torch::Tensor& bias) {
  torch::NoGradGuard no_grad;
  torch::nn::init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (bias.defined()) {
    const int64_t fan_in = weight.numel() / weight.size(0);
    const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
    bias.uniform_(-bound, bound);
  }
}

}  // namespace

torch::Tensor spectral_normalize(const torch::Tensor& weight, torch::Tensor& u, bool update_u,
                                 int power_iterations, double eps) {
  // The estimate runs in float32 with autocast off: under bf16 autocast the matrix products
  // would be rounded to 8 bits of mantissa and sigma would jitter between steps.
  const bool cpu_autocast = autocast_enabled(c10::DeviceType::CPU);
  const bool cuda_autocast = autocast_enabled(c10::DeviceType::CUDA);
  if (cpu_autocast) set_autocast(c10::DeviceType::CPU, false, autocast_dtype(c10::DeviceType::CPU));
  if (cuda_autocast)
    set_autocast(c10::DeviceType::CUDA, false, autocast_dtype(c10::DeviceType::CUDA));

  const auto matrix = weight.reshape({weight.size(0), -1});  // [out, rest]
  torch::Tensor u_now = u, v_now;
  {
    torch::NoGradGuard no_grad;
    const auto m = matrix.detach();
    v_now = torch::mv(m.t(), u_now);
    v_now = v_now / (v_now.norm() + eps);
    for (int i = 0; i < power_iterations && update_u; ++i) {
      u_now = torch::mv(m, v_now);
      u_now = u_now / (u_now.norm() + eps);
      v_now = torch::mv(m.t(), u_now);
      v_now = v_now / (v_now.norm() + eps);
    }
    if (update_u) u.copy_(u_now);
    // Clones so that the in-place update of `u` by a later call (e.g. the second forward of a
    // step) does not invalidate the tensors this graph saved for backward.
    u_now = u_now.clone();
    v_now = v_now.clone();
  }
  const auto sigma = torch::dot(u_now, torch::mv(matrix, v_now));
  auto normalized = weight / sigma;

  if (cpu_autocast) set_autocast(c10::DeviceType::CPU, true, autocast_dtype(c10::DeviceType::CPU));
  if (cuda_autocast)
    set_autocast(c10::DeviceType::CUDA, true, autocast_dtype(c10::DeviceType::CUDA));
  return normalized;
}

// ---- SNConv2d ----

SNConv2dImpl::SNConv2dImpl(const SNConv2dOptions& options_) : options(options_) {
  reset();
}

void SNConv2dImpl::reset() {
  weight_orig = register_parameter(
      "weight_orig",
      torch::empty({options.out(), options.in(), options.kernel(), options.kernel()}));
  bias =
      options.bias() ? register_parameter("bias", torch::empty({options.out()})) : torch::Tensor();
  default_init(weight_orig, bias);
  u = register_buffer("u", random_unit_vector(options.out()));
}

void SNConv2dImpl::pretty_print(std::ostream& stream) const {
  stream << "audiogan::SNConv2d(" << options.in() << ", " << options.out()
         << ", kernel_size=" << options.kernel() << ", stride=" << options.stride()
         << ", padding=" << options.padding() << (options.normalize() ? "" : ", no spectral norm")
         << ")";
}

torch::Tensor SNConv2dImpl::normalized_weight() {
  if (!options.normalize()) return weight_orig;
  return spectral_normalize(weight_orig, u, /*update_u=*/false, options.power_iterations());
}

torch::Tensor SNConv2dImpl::forward(const torch::Tensor& x) {
  const auto w = options.normalize()
                     ? spectral_normalize(weight_orig, u, is_training(), options.power_iterations())
                     : weight_orig;
  return torch::conv2d(x, w, bias, options.stride(), options.padding());
}

// ---- SNLinear ----

SNLinearImpl::SNLinearImpl(const SNLinearOptions& options_) : options(options_) {
  reset();
}

void SNLinearImpl::reset() {
  weight_orig = register_parameter("weight_orig", torch::empty({options.out(), options.in()}));
  bias =
      options.bias() ? register_parameter("bias", torch::empty({options.out()})) : torch::Tensor();
  default_init(weight_orig, bias);
  u = register_buffer("u", random_unit_vector(options.out()));
}

void SNLinearImpl::pretty_print(std::ostream& stream) const {
  stream << "audiogan::SNLinear(in=" << options.in() << ", out=" << options.out()
         << (options.normalize() ? "" : ", no spectral norm") << ")";
}

torch::Tensor SNLinearImpl::forward(const torch::Tensor& x) {
  const auto w = options.normalize()
                     ? spectral_normalize(weight_orig, u, is_training(), options.power_iterations())
                     : weight_orig;
  return torch::linear(x, w, bias);
}

// ---- Weight normalisation and NormConv ----

torch::Tensor weight_normalize(const torch::Tensor& v, const torch::Tensor& g) {
  std::vector<int64_t> rest;
  for (int64_t d = 1; d < v.dim(); ++d) rest.push_back(d);
  return v * (g / v.norm(2, rest, /*keepdim=*/true));
}

namespace {

// `values` with `fill` for every dimension when empty.
std::vector<int64_t> per_dim(const std::vector<int64_t>& values, size_t dims, int64_t fill) {
  return values.empty() ? std::vector<int64_t>(dims, fill) : values;
}

}  // namespace

NormConvImpl::NormConvImpl(const NormConvOptions& options_) : options(options_) {
  reset();
}

void NormConvImpl::reset() {
  const auto& o = options;
  const size_t dims = o.kernel().size();
  if (dims < 1 || dims > 2 || (o.transposed() && (dims != 1 || o.groups() != 1))) {
    throw ConfigError("NormConv: a 1-D or 2-D kernel (transposed: 1-D, groups 1), got " +
                      std::to_string(dims) + " dimensions");
  }
  if (o.norm() != "weight" && o.norm() != "spectral") {
    throw ConfigError("NormConv: norm must be weight or spectral, got '" + o.norm() + "'");
  }
  if (o.in() % o.groups() != 0 || o.out() % o.groups() != 0) {
    throw ConfigError("NormConv: channels " + std::to_string(o.in()) + " -> " +
                      std::to_string(o.out()) + " do not divide into " +
                      std::to_string(o.groups()) + " groups");
  }
  // The plain layer's weight shape: [out, in/groups, k...], or [in, out, k] transposed.
  std::vector<int64_t> shape = o.transposed() ? std::vector<int64_t>{o.in(), o.out()}
                                              : std::vector<int64_t>{o.out(), o.in() / o.groups()};
  shape.insert(shape.end(), o.kernel().begin(), o.kernel().end());
  torch::Tensor weight = torch::empty(shape);
  bias = torch::empty({o.out()});
  // PyTorch's ConvTranspose1d takes the fan-in from the weight's dim 1 x kernel, as this does
  // for the transposed shape's [in, out, k] (weight.numel() / weight.size(0) = out * k).
  default_init(weight, bias);
  bias = register_parameter("bias", bias);
  if (o.norm() == "weight") {
    std::vector<int64_t> rest;
    for (int64_t d = 1; d < weight.dim(); ++d) rest.push_back(d);
    weight_g = register_parameter("weight_g", weight.norm(2, rest, /*keepdim=*/true).detach());
    weight_v = register_parameter("weight_v", weight);
  } else {
    weight_orig = register_parameter("weight_orig", weight);
    u = register_buffer("u", random_unit_vector(weight.size(0)));
  }
}

torch::Tensor NormConvImpl::normalized_weight() {
  if (options.norm() == "weight") return weight_normalize(weight_v, weight_g);
  return spectral_normalize(weight_orig, u, /*update_u=*/false);
}

torch::Tensor NormConvImpl::convolve(const torch::Tensor& x, const torch::Tensor& weight) const {
  const auto& o = options;
  const size_t dims = o.kernel().size();
  const auto stride = per_dim(o.stride(), dims, 1);
  const auto padding = per_dim(o.padding(), dims, 0);
  const auto dilation = per_dim(o.dilation(), dims, 1);
  if (o.transposed()) {
    const auto output_padding = per_dim({}, dims, 0);
    return torch::conv_transpose1d(x, weight, bias, stride, padding, output_padding,
                                   /*groups=*/1, dilation);
  }
  if (dims == 1) return torch::conv1d(x, weight, bias, stride, padding, dilation, o.groups());
  return torch::conv2d(x, weight, bias, stride, padding, dilation, o.groups());
}

torch::Tensor NormConvImpl::forward(const torch::Tensor& x) {
  const torch::Tensor weight = options.norm() == "weight"
                                   ? weight_normalize(weight_v, weight_g)
                                   : spectral_normalize(weight_orig, u, is_training());
  return convolve(x, weight);
}

void NormConvImpl::pretty_print(std::ostream& stream) const {
  const auto& o = options;
  stream << "audiogan::NormConv(" << o.in() << ", " << o.out()
         << ", kernel=" << c10::IntArrayRef(o.kernel()) << (o.transposed() ? ", transposed" : "")
         << ", groups=" << o.groups() << ", norm=" << o.norm() << ")";
}

// ---- ConditionalBatchNorm2d ----

ConditionalBatchNorm2dImpl::ConditionalBatchNorm2dImpl(int64_t channels_, int64_t num_classes_,
                                                       int64_t stat_groups_)
    : channels(channels_), num_classes(num_classes_), stat_groups(stat_groups_) {
  reset();
}

void ConditionalBatchNorm2dImpl::reset() {
  if (stat_groups < 1) {
    throw ConfigError("ConditionalBatchNorm2d: stat_groups must be >= 1, got " +
                      std::to_string(stat_groups));
  }
  if (stat_groups == 1) {
    // One BatchNorm2d, so checkpoints keep the keys they always had.
    norm = register_module(
        "norm", torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(channels).affine(false)));
  } else {
    running_mean = register_buffer("running_mean", torch::zeros({stat_groups, channels}));
    running_var = register_buffer("running_var", torch::ones({stat_groups, channels}));
  }
  gamma = register_module("gamma", torch::nn::Embedding(num_classes, channels));
  beta = register_module("beta", torch::nn::Embedding(num_classes, channels));
  torch::NoGradGuard no_grad;
  gamma->weight.fill_(1.0);
  beta->weight.zero_();
}

void ConditionalBatchNorm2dImpl::pretty_print(std::ostream& stream) const {
  stream << "audiogan::ConditionalBatchNorm2d(" << channels << ", classes=" << num_classes;
  if (stat_groups > 1) stream << ", statistics groups=" << stat_groups;
  stream << ")";
}

torch::Tensor ConditionalBatchNorm2dImpl::forward(const torch::Tensor& x,
                                                  const torch::Tensor& labels, int64_t group) {
  if (group < 0 || group >= stat_groups) {
    throw ConfigError("ConditionalBatchNorm2d: statistics group " + std::to_string(group) +
                      " is outside [0, " + std::to_string(stat_groups) + ")");
  }
  const auto scale = gamma->forward(labels).unsqueeze(-1).unsqueeze(-1);  // [B, C, 1, 1]
  const auto shift = beta->forward(labels).unsqueeze(-1).unsqueeze(-1);   // [B, C, 1, 1]
  if (stat_groups == 1) return norm->forward(x) * scale + shift;
  // Rows of the [groups, C] buffers are contiguous views: batch_norm updates them in place.
  const auto normalised =
      torch::batch_norm(x, /*weight=*/{}, /*bias=*/{}, running_mean[group], running_var[group],
                        is_training(), /*momentum=*/0.1, /*eps=*/1e-5, /*cudnn_enabled=*/true);
  return normalised * scale + shift;
}

// ---- SubPixelUpsample ----

SubPixelUpsampleImpl::SubPixelUpsampleImpl(int64_t in_, int64_t out_) : in(in_), out(out_) {
  reset();
}

void SubPixelUpsampleImpl::reset() {
  conv = register_module("conv",
                         torch::nn::Conv2d(torch::nn::Conv2dOptions(in, 4 * out, 3).padding(1)));
  // ICNR: pixel_shuffle maps channels 4c..4c+3 to the four sub-pixels of output channel c, so
  // giving them the same kernel makes the initial upsampling a nearest-neighbour one.
  // ref: Aitken et al. 2017, "Checkerboard artifact free sub-pixel convolution".
  torch::NoGradGuard no_grad;
  auto base = torch::empty({out, in, 3, 3});
  torch::nn::init::kaiming_uniform_(base, std::sqrt(5.0));
  conv->weight.copy_(base.repeat_interleave(4, /*dim=*/0));
  conv->bias.zero_();
}

void SubPixelUpsampleImpl::pretty_print(std::ostream& stream) const {
  stream << "audiogan::SubPixelUpsample(" << in << ", " << out << ", scale=2)";
}

torch::Tensor SubPixelUpsampleImpl::forward(const torch::Tensor& x) {
  return torch::pixel_shuffle(conv->forward(x), 2);
}

}  // namespace audiogan

namespace audiogan {
void convert_to_channels_last(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  for (auto& p : module.parameters(/*recurse=*/true))
    if (p.dim() == 4) p.set_data(p.data().contiguous(at::MemoryFormat::ChannelsLast));
  for (auto& b : module.buffers(/*recurse=*/true))
    if (b.dim() == 4) b.set_data(b.data().contiguous(at::MemoryFormat::ChannelsLast));
}
}  // namespace audiogan
