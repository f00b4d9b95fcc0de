// The learned vocoder in a TorchScript export (see vocoder_script.h).
#include "vocoder/vocoder_script.h"

#include <sstream>

#include "core/config.h"
#include "dsp/stft.h"
#include "train/export.h"

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

}  // namespace

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
    << "    magnitude = torch.exp(out[:, :" << bins << "]).clamp_max(" << o.max_magnitude() << ")\n"
    << "    phase = out[:, " << bins << ":]\n"
    << "    spectrum = torch.complex(magnitude * torch.cos(phase), magnitude * torch.sin(phase))\n"
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
  // The vocoder's tree with its ModuleList flattened: TorchScript source cannot name a child
  // called "0".
  torch::jit::Module tree("__torch__.audiogan.Vocoder", unit, /*shouldMangle=*/true);
  for (const auto& child : vocoder.model->named_children()) {
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
  exported.register_module("vocoder", tree);
  const FrameVocoderOptions& options = vocoder.model->options();
  exported.define(vocoder_script_source(options, vocoder.frontend));
  exported.define(
      "def audio(self, z: Tensor, labels: Tensor) -> Tensor:\n"
      "    return self.vocode(self.log_mel(z, labels).squeeze(1))\n");
  metadata["vocoder"] = {{"path", vocoder.path},
                         {"frontend", vocoder.frontend.to_string()},
                         {"dim", options.dim()},
                         {"blocks", options.blocks()},
                         {"intermediate", options.intermediate()}};
  metadata["methods"]["vocode"] =
      "(log_mel [B, n_mels, T] log1p(mel power)) -> waveform [B, T * hop] at the front end's "
      "sample rate";
  metadata["methods"]["audio"] = "(z, labels) -> waveform [B, frames * hop]: vocode(log_mel)";
}

}  // namespace audiogan
