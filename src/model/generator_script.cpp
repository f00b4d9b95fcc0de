// TorchScript restatement of the generators' forward passes (see generator_script.h).
#include "model/generator_script.h"

#include <sstream>

#include "model/spec_check.h"

namespace audiogan {
namespace {

// BatchNorm in eval mode with the module's running statistics; eps is LibTorch's default.
std::string batch_norm(const std::string& x, const std::string& module, bool affine) {
  const std::string weight = affine ? module + ".weight" : "None";
  const std::string bias = affine ? module + ".bias" : "None";
  return "torch.batch_norm(" + x + ", " + weight + ", " + bias + ", " + module + ".running_mean, " +
         module + ".running_var, False, 0.1, 1e-05, False)";
}

// The self-attention block of the stage `rows` high (model/attention.cpp), or nothing when
// --attention does not name that stage.
std::string attention_source(const ModelSpec& spec, int rows) {
  bool present = false;
  for (int r : spec.attention) present = present || r == rows;
  if (!present) return "";
  const std::string a = "g.attention" + std::to_string(rows);
  std::ostringstream s;
  s << "    q = torch.conv2d(x, " << a << ".query.weight, " << a
    << ".query.bias).flatten(2).transpose(1, 2).float()\n"
    << "    k = torch.conv2d(x, " << a << ".key.weight, " << a << ".key.bias).flatten(2).float()\n"
    << "    v = torch.conv2d(x, " << a << ".value.weight, " << a
    << ".value.bias).flatten(2).float()\n"
    << "    o = torch.bmm(v, torch.softmax(torch.bmm(q, k), -1).transpose(1, 2))\n"
    << "    x = x + (" << a
    << ".gamma * o).view(x.size(0), x.size(1), x.size(2), x.size(3)).to(x.dtype)\n";
  return s.str();
}

std::string default_source(const ModelSpec& spec) {
  const int64_t w = spec.width;
  std::ostringstream s;
  s << "def forward(self, z: Tensor, labels: Tensor) -> Tensor:\n"
    << "    g = self.generator\n"
    << "    x = torch.cat([z, torch.embedding(g.embed.weight, labels).to(z.dtype)], 1)\n"
    << "    x = torch.addmm(g.fc.bias, x, g.fc.weight.t())\n"
    << "    x = x.view(-1, " << 8 * w << ", " << spec.n_mels / 16 << ", " << spec.frames / 16
    << ")\n";
  for (int i = 1; i <= 4; ++i) {
    s << attention_source(spec, spec.n_mels / (32 >> i));  // the stage x is at: n/16 .. n/2
    const std::string norm = "g.norm" + std::to_string(i);
    const std::string up = "g.up" + std::to_string(i) + ".conv";
    s << "    x = " << batch_norm("x", norm + ".norm", false) << "\n"
      << "    x = x * torch.embedding(" << norm << ".gamma.weight, labels)[:, :, None, None]"
      << " + torch.embedding(" << norm << ".beta.weight, labels)[:, :, None, None]\n"
      << "    x = torch.pixel_shuffle(torch.conv2d(torch.relu(x), " << up << ".weight, " << up
      << ".bias, [1, 1], [1, 1]), 2)\n";
  }
  s << "    return torch.tanh(x).contiguous()\n";
  return s.str();
}

std::string seed_source(const ModelSpec& spec) {
  const int64_t w = spec.width;
  std::ostringstream s;
  s << "def forward(self, z: Tensor, labels: Tensor) -> Tensor:\n"
    << "    g = self.generator\n"
    << "    one_hot = torch.eye(" << spec.num_classes
    << ", dtype=z.dtype, device=z.device).index_select(0, labels)\n"
    << "    x = torch.addmm(g.fc.bias, torch.cat([z, one_hot], 1), g.fc.weight.t())\n"
    << "    x = x.view(-1, " << 8 * w << ", " << spec.n_mels / 16 << ", " << spec.frames / 16
    << ")\n";
  s << attention_source(spec, spec.n_mels / 16);
  for (int i = 1; i <= 3; ++i) {
    const std::string up = "g.up" + std::to_string(i);
    s << "    x = torch.conv_transpose2d(x, " << up << ".weight, " << up
      << ".bias, [2, 2], [1, 1])\n"
      << "    x = torch.relu(" << batch_norm("x", "g.bn" + std::to_string(i), true) << ")\n"
      << attention_source(spec, spec.n_mels / (16 >> i));  // n/8, n/4, n/2
  }
  s << "    return torch.tanh(torch.conv_transpose2d(x, g.up4.weight, g.up4.bias, [2, 2], "
       "[1, 1]))\n";
  return s.str();
}

}  // namespace

std::string generator_script_source(const ModelSpec& spec) {
  const ModelSpec resolved = resolve_spec(spec, default_width(spec.arch));
  return resolved.arch == "seed" ? seed_source(resolved) : default_source(resolved);
}

}  // namespace audiogan
