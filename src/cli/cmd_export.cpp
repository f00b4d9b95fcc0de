// `audiogan export`: a checkpoint's generator as one self-describing TorchScript file, with the
// learned vocoder bundled when the run has one (or --vocoder names one).
#include <cstdio>

#include "cli/commands.h"
#include "infer/sampler.h"
#include "train/export.h"
#include "vocoder/vocoder_script.h"

namespace audiogan::cli {
namespace {

struct ExportFlags {
  std::string checkpoint, out, vocoder = "auto";
};

void run_export(const ExportFlags& f) {
  ExportExtension bundle;
  std::string bundled;
  const Sampler sampler = Sampler::load(f.checkpoint);
  const std::string vocoder = f.vocoder == "auto" ? sampler.recorded_vocoder() : f.vocoder;
  if (vocoder != "griffin-lim") {
    const LoadedVocoder loaded = load_vocoder_for(vocoder, sampler.frontend());
    bundled = loaded.path;
    bundle = [loaded](torch::jit::Module& exported, nlohmann::json& metadata) {
      bundle_vocoder(exported, metadata, loaded);
    };
  }
  export_generator(f.checkpoint, f.out, bundle);
  std::printf("wrote %s%s\n", f.out.c_str(),
              bundled.empty() ? "" : (" with the vocoder " + bundled).c_str());
  std::printf(
      "python: m = torch.jit.load('%s'); meta = json.loads(m.metadata); "
      "log_mel = m.log_mel(torch.randn(1, meta['spec']['latent']), torch.tensor([0]))%s\n",
      f.out.c_str(), bundled.empty() ? "" : "; wave = m.vocode(log_mel.squeeze(1))");
}

}  // namespace

void add_export_command(CLI::App& app) {
  auto f = std::make_shared<ExportFlags>();
  auto* cmd = app.add_subcommand(
      "export",
      "Export a checkpoint's generator (EMA weights when present) as a runnable TorchScript "
      "module with its class names, front end and normalisation, and a learned vocoder when the "
      "run was trained with one (or --vocoder names one): methods vocode(log_mel) and "
      "audio(z, labels).\nExample: audiogan export --checkpoint runs/drums/checkpoints/last.pt "
      "--out drums_G.pt");
  cmd->add_option("--checkpoint", f->checkpoint, "RUN_DIR/checkpoints/last.pt")->required();
  cmd->add_option("--out", f->out, "Output file, e.g. G.pt")->required();
  cmd->add_option("--vocoder", f->vocoder,
                  "auto (the run's vocoder, train --vocoder, if any), griffin-lim (bundle none), "
                  "or a folder (or checkpoint) written by `audiogan train-vocoder` to bundle")
      ->capture_default_str();
  cmd->callback([f] { run_export(*f); });
}

}  // namespace audiogan::cli
