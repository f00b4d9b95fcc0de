// `audiogan export`: the generator of a checkpoint as one runnable TorchScript file (forward,
// log_mel, weights, JSON metadata) for torch.jit.load / torch::jit::load. See docs/training.md.
#include <cstdio>

#include "cli/commands.h"
#include "train/export.h"

namespace audiogan::cli {

void add_export_command(CLI::App& app) {
  auto checkpoint = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand(
      "export",
      "Export a checkpoint's generator (EMA weights when present) as a runnable TorchScript "
      "module with its class names, front end and normalisation.\nExample: audiogan export "
      "--checkpoint runs/drums/"
      "checkpoints/last.pt --out drums_G.pt");
  cmd->add_option("--checkpoint", *checkpoint, "RUN_DIR/checkpoints/last.pt")->required();
  cmd->add_option("--out", *out, "Output file, e.g. G.pt")->required();
  cmd->callback([checkpoint, out] {
    export_generator(*checkpoint, *out);
    std::printf("wrote %s\n", out->c_str());
    std::printf(
        "python: m = torch.jit.load('%s'); meta = json.loads(m.metadata); "
        "log_mel = m.log_mel(torch.randn(1, meta['spec']['latent']), torch.tensor([0]))\n",
        out->c_str());
  });
}

}  // namespace audiogan::cli
