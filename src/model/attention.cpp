// SAGAN self-attention (see attention.h).
#include "model/attention.h"

#include <algorithm>
#include <sstream>

#include "core/error.h"
#include "model/autocast.h"
#include "model/layers.h"

namespace audiogan {

namespace {

torch::nn::AnyModule conv1x1(int64_t in, int64_t out, bool spectral_norm) {
  if (spectral_norm) return torch::nn::AnyModule(SNConv2d(SNConv2dOptions(in, out, 1)));
  return torch::nn::AnyModule(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 1)));
}

std::string join(const std::vector<int>& values) {
  std::string out;
  for (int v : values) out += (out.empty() ? "" : ", ") + std::to_string(v);
  return out;
}

}  // namespace

SelfAttention2dImpl::SelfAttention2dImpl(const SelfAttention2dOptions& options) : options(options) {
  reset();
}

void SelfAttention2dImpl::reset() {
  const int64_t c = options.channels();
  const int64_t reduced = std::max<int64_t>(1, c / 8);
  query = conv1x1(c, reduced, options.spectral_norm());
  key = conv1x1(c, reduced, options.spectral_norm());
  value = conv1x1(c, c, options.spectral_norm());
  register_module("query", query.ptr());
  register_module("key", key.ptr());
  register_module("value", value.ptr());
  gamma = register_parameter("gamma", torch::zeros({1}));
}

void SelfAttention2dImpl::pretty_print(std::ostream& stream) const {
  stream << "audiogan::SelfAttention2d(channels=" << options.channels()
         << (options.spectral_norm() ? ", spectral norm" : "") << ")";
}

void SelfAttention2dImpl::project(const torch::Tensor& x, torch::Tensor& q, torch::Tensor& k,
                                  torch::Tensor& v) {
  // The 1x1 convolutions run under the caller's autocast like every other layer; the products
  // over positions below do not.
  q = query.forward(x).flatten(2).transpose(1, 2).to(torch::kFloat);  // [B, N, C/8]
  k = key.forward(x).flatten(2).to(torch::kFloat);                    // [B, C/8, N]
  v = value.forward(x).flatten(2).to(torch::kFloat);                  // [B, C, N]
}

torch::Tensor SelfAttention2dImpl::attention_map(const torch::Tensor& x) {
  torch::Tensor q, k, v;
  project(x, q, k, v);
  const auto device = x.device().type();
  AutocastScope float32(device, /*enabled=*/false, autocast_dtype(device));
  return torch::softmax(torch::bmm(q, k), -1);  // [B, N, N], rows sum to 1
}

torch::Tensor SelfAttention2dImpl::forward(const torch::Tensor& x) {
  torch::Tensor q, k, v;
  project(x, q, k, v);
  const auto device = x.device().type();
  torch::Tensor out;
  {
    AutocastScope float32(device, /*enabled=*/false, autocast_dtype(device));
    const auto weights = torch::softmax(torch::bmm(q, k), -1);  // [B, N, N]
    out = torch::bmm(v, weights.transpose(1, 2));               // [B, C, N]: o_i = sum_j w_ij v_j
    out = (gamma * out).view({x.size(0), x.size(1), x.size(2), x.size(3)});
  }
  // The residual keeps the caller's dtype and layout (channels-last in the default models).
  return x + out.to(x.scalar_type()).contiguous(x.suggest_memory_format());
}

void StageAttention::build(torch::nn::Module& owner, const ModelSpec& spec, bool spectral_norm) {
  for (int rows : spec.attention) {
    const int64_t channels = int64_t{spec.width} * (spec.n_mels / 2) / rows;
    blocks_.emplace_back(
        rows, owner.register_module(
                  "attention" + std::to_string(rows),
                  SelfAttention2d(SelfAttention2dOptions(channels).spectral_norm(spectral_norm))));
  }
}

torch::Tensor StageAttention::operator()(const torch::Tensor& x) {
  for (auto& [rows, block] : blocks_) {
    if (rows == x.size(2)) return block->forward(x);
  }
  return x;
}

std::vector<int> attention_stage_rows(const ModelSpec& spec) {
  return {spec.n_mels / 2, spec.n_mels / 4, spec.n_mels / 8, spec.n_mels / 16};
}

double attention_memory_bytes(const ModelSpec& spec, int64_t batch) {
  double bytes = 0;
  for (int rows : spec.attention) {
    const double positions = static_cast<double>(rows) * (spec.frames * rows / spec.n_mels);
    // Per pass: scores and softmax [B, N, N] float32 kept for backward; three passes (D on real,
    // D on fake, G's pass through D) in D plus one in G.
    bytes += 4.0 * 2 * 4 * batch * positions * positions;
  }
  return bytes;
}

void check_attention_rows(const ModelSpec& spec) {
  const auto stages = attention_stage_rows(spec);
  for (size_t i = 0; i < spec.attention.size(); ++i) {
    const int rows = spec.attention[i];
    if (std::find(stages.begin(), stages.end(), rows) == stages.end()) {
      throw ConfigError("model: --attention " + std::to_string(rows) +
                        " is not the height of a stage; with " + std::to_string(spec.n_mels) +
                        " mels the stages are " + join(stages) + " rows high");
    }
    for (size_t j = 0; j < i; ++j) {
      if (spec.attention[j] == rows) {
        throw ConfigError("model: --attention lists " + std::to_string(rows) + " twice");
      }
    }
  }
}

}  // namespace audiogan
