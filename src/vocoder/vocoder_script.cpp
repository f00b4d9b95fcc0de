// The learned vocoder in a TorchScript export (see vocoder_script.h).
#include "vocoder/vocoder_script.h"

#include <sstream>

#include "core/config.h"
#include "core/error.h"
#include "dsp/stft.h"
#include "train/export.h"
#include "vocoder/hifigan.h"

namespace audiogan {
namespace {

// x [B, T, C] -> LayerNorm over C with the module `m`'s weights (eps as FrameVocoder's).
std::string layer_norm(const std::string& x, const std::string& m, int64_t dim) {
  return "torch.layer_norm(" + x + ", [" + std::to_string(dim) + "], " + m + ".weight, " + m +
         ".bias, 1e-06, False)";
}

// x [B, T, in] -> [B, T, out] with the Linear module `m`.
std::string linear(const std::string& x, const std::string& m) {
  return "(torch.matmul(" + x + ", " + m + ".weight.t()) + " + m + ".bias)";
}

// The weight-normalised weight of the 1-D NormConv module `m`: v * g / ||v|| over all but dim 0
// (model/layers.h weight_normalize).
std::string normalized(const std::string& m) {
  return "(" + m + ".weight_v * (" + m + ".weight_g / " + m +
         ".weight_v.pow(2).sum([1, 2], keepdim=True).sqrt()))";
}

// One HiFi-GAN residual block (hifigan.h HifiGanResBlock) from `in` to `out`, both [B, C, T].
void hifigan_block(std::ostringstream& s, const std::string& b, const HifiGanConfig& c,
                   size_t kernel_index, const std::string& in, const std::string& out) {
  const int64_t kernel = c.resblock_kernels[kernel_index];
  s << "    " << out << " = " << in << "\n";
  const auto& dilations = c.resblock_dilations[kernel_index];
  for (size_t i = 0; i < dilations.size(); ++i) {
    const int64_t d = dilations[i];
    const std::string dilated = b + ".dilated" + std::to_string(i);
    s << "    h = torch.conv1d(torch.leaky_relu(" << out << ", " << kHifiGanLeakySlope << "), "
      << normalized(dilated) << ", " << dilated << ".bias, [1], [" << (kernel * d - d) / 2 << "], ["
      << d << "])\n";
    if (c.resblock == 1) {
      const std::string plain = b + ".plain" + std::to_string(i);
      s << "    h = torch.conv1d(torch.leaky_relu(h, " << kHifiGanLeakySlope << "), "
        << normalized(plain) << ", " << plain << ".bias, [1], [" << (kernel - 1) / 2 << "])\n";
    }
    s << "    " << out << " = " << out << " + h\n";
  }
}

}  // namespace

std::string hifigan_script_source(const HifiGanConfig& c) {
  std::ostringstream s;
  s.precision(17);
  s << "def vocode(self, log_mel: Tensor) -> Tensor:\n"
    << "    g = self.vocoder.generator\n"
    << "    x = torch.conv1d(log_mel.float().clamp_min(0.0), " << normalized("g.pre")
    << ", g.pre.bias, [1], [3])\n";
  for (size_t i = 0; i < c.upsample_rates.size(); ++i) {
    const std::string up = "g.up" + std::to_string(i);
    const int64_t rate = c.upsample_rates[i], kernel = c.upsample_kernels[i];
    s << "    x = torch.conv_transpose1d(torch.leaky_relu(x, " << kHifiGanLeakySlope << "), "
      << normalized(up) << ", " << up << ".bias, [" << rate << "], [" << (kernel - rate) / 2
      << "])\n";
    for (size_t j = 0; j < c.resblock_kernels.size(); ++j) {
      const std::string b = "g.block" + std::to_string(i) + "_" + std::to_string(j);
      hifigan_block(s, b, c, j, "x", "y" + std::to_string(j));
    }
    s << "    x = (y0";
    for (size_t j = 1; j < c.resblock_kernels.size(); ++j) s << " + y" << j;
    s << ") / " << c.resblock_kernels.size() << ".0\n";
  }
  s << "    x = torch.conv1d(torch.leaky_relu(x, 0.01), " << normalized("g.post")
    << ", g.post.bias, [1], [3])\n"
    << "    return torch.tanh(x).squeeze(1)\n";
  return s.str();
}

std::string vocoder_script_source(const FrameVocoderOptions& o, const FrontendConfig& frontend) {
  const int64_t dim = o.dim();
  const std::string pad = "[" + std::to_string(o.kernel() / 2) + "]";
  const int64_t bins = o.n_fft() / 2 + 1;
  std::ostringstream s;
  s.precision(17);
  s << "def vocode(self, log_mel: Tensor) -> Tensor:\n"
    << "    v = self.vocoder\n"
    << "    x = torch.conv1d(log_mel.float().clamp_min(0.0), v.embed.weight, v.embed.bias, [1], "
    << pad << ")\n"
    << "    x = " << layer_norm("x.transpose(1, 2)", "v.embed_norm", dim) << ".transpose(1, 2)\n";
  for (int64_t i = 0; i < o.blocks(); ++i) {
    const std::string b = "v.block" + std::to_string(i);
    s << "    h = torch.conv1d(x, " << b << ".depthwise.weight, " << b << ".depthwise.bias, [1], "
      << pad << ", [1], " << dim << ").transpose(1, 2)\n"
      << "    h = " << layer_norm("h", b + ".norm", dim) << "\n"
      << "    h = " << linear("torch.gelu(" + linear("h", b + ".expand") + ")", b + ".project")
      << "\n"
      << "    x = x + (h * " << b << ".gamma).transpose(1, 2)\n";
  }
  s << "    h = " << layer_norm("x.transpose(1, 2)", "v.final_norm", dim) << "\n"
    << "    out = " << linear("h", "v.head") << ".transpose(1, 2)\n"
    << "    log_magnitude = out[:, :" << bins << "]\n";
  if (o.magnitude_prior().defined()) {
    // prior_log_magnitude (frame_vocoder.h).
    s << "    power = torch.matmul(v.prior_basis, torch.expm1(log_mel.float().clamp_min(0.0)))\n"
      << "    log_magnitude = log_magnitude + 0.5 * torch.log(power.clamp_min(1e-10))\n";
  }
  s << "    magnitude = torch.exp(log_magnitude).clamp_max(" << o.max_magnitude() << ")\n"
    << "    phase = out[:, " << bins << ":" << 2 * bins << "]\n";
  if (o.integrated_phase()) {
    // integrate_phase (frame_vocoder.h).
    s << "    phase = phase + torch.cumsum(out[:, " << 2 * bins << ":], 2)\n";
  }
  s << "    spectrum = torch.complex(magnitude * torch.cos(phase), magnitude * torch.sin(phase))\n"
    << "    return torch.istft(spectrum, " << frontend.n_fft
    << ", hop_length=" << frontend.hop_length << ", win_length=" << frontend.win_length
    << ", window=v.window, center=True, normalized=False, onesided=True, length=out.size(2) * "
    << frontend.hop_length << ", return_complex=False)\n";
  return s.str();
}

void bundle_vocoder(torch::jit::Module& exported, nlohmann::json& metadata,
                    const LoadedVocoder& vocoder) {
  const Config generator = Config::from_toml_string(metadata.at("frontend_toml").get<std::string>(),
                                                    "the export's configuration");
  check_frontend_match(vocoder.frontend, generator.frontend, vocoder.path);
  auto unit = exported.type()->compilation_unit();
  torch::jit::Module tree("__torch__.audiogan.Vocoder", unit, /*shouldMangle=*/true);
  nlohmann::json settings = {{"arch", vocoder.model->arch()},
                             {"path", vocoder.path},
                             {"frontend", vocoder.frontend.to_string()}};
  if (const auto hifigan = std::dynamic_pointer_cast<HifiGanVocoderImpl>(vocoder.model)) {
    tree.register_module("generator",
                         script_tree(*hifigan->generator(), "Vocoder_generator", unit));
    exported.register_module("vocoder", tree);
    exported.define(hifigan_script_source(hifigan->config()));
    settings["upsample_initial_channel"] = hifigan->config().upsample_initial_channel;
    settings["upsample_rates"] = hifigan->config().upsample_rates;
    settings["resblock"] = hifigan->config().resblock;
  } else {
    const auto frame = std::dynamic_pointer_cast<FrameVocoderImpl>(vocoder.model);
    if (!frame) {
      throw ConfigError("export: a vocoder of arch '" + vocoder.model->arch() +
                        "' cannot be bundled");
    }
    // The vocoder's tree with its ModuleList flattened: TorchScript source cannot name a child
    // called "0".
    for (const auto& child : frame->named_children()) {
      if (child.key() == "blocks") {
        const auto blocks = child.value()->children();
        for (size_t i = 0; i < blocks.size(); ++i) {
          const std::string name = "block" + std::to_string(i);
          tree.register_module(name, script_tree(*blocks[i], "Vocoder_" + name, unit));
        }
      } else {
        tree.register_module(child.key(),
                             script_tree(*child.value(), "Vocoder_" + child.key(), unit));
      }
    }
    tree.register_buffer("window", dsp::hann_window(vocoder.frontend, torch::kCPU));
    if (frame->options().magnitude_prior().defined()) {
      tree.register_buffer("prior_basis", frame->named_buffers(/*recurse=*/false)["prior_basis"]);
    }
    exported.register_module("vocoder", tree);
    const FrameVocoderOptions& options = frame->options();
    exported.define(vocoder_script_source(options, vocoder.frontend));
    settings["dim"] = options.dim();
    settings["blocks"] = options.blocks();
    settings["intermediate"] = options.intermediate();
    settings["magnitude"] = options.magnitude_prior().defined() ? "prior" : "direct";
    settings["phase"] = options.integrated_phase() ? "integrated" : "direct";
  }
  exported.define(
      "def audio(self, z: Tensor, labels: Tensor) -> Tensor:\n"
      "    return self.vocode(self.log_mel(z, labels).squeeze(1))\n");
  metadata["vocoder"] = settings;
  metadata["methods"]["vocode"] =
      "(log_mel [B, n_mels, T] log1p(mel power)) -> waveform [B, T * hop] at the front end's "
      "sample rate";
  metadata["methods"]["audio"] = "(z, labels) -> waveform [B, frames * hop]: vocode(log_mel)";
}

}  // namespace audiogan
