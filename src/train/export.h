// Exporting a trained generator as one self-describing file other programs can load.
//
// TorchScript cannot be produced from C++-defined modules, so the export is a torch::serialize
// archive (the same zip format torch.jit.save writes) holding:
//   generator/...   the generator's parameters and buffers (EMA weights when trained with EMA)
//   metadata        a JSON string: format, class names, front end (TOML and one-line form),
//                   normalisation (low/high), model spec (arch, latent, width, n_mels, frames)
// From Python: m = torch.jit.load("G.pt"); json.loads(m.metadata);
//              dict(m.generator.named_parameters()) / m.generator.named_buffers().
// From C++: Sampler::load("G.pt") or load_exported_generator below.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "model/gan_models.h"
#include "train/normalisation.h"

namespace audiogan {

struct ExportedGenerator {
  std::shared_ptr<GeneratorBase> generator;
  ModelSpec spec;
  std::vector<std::string> class_names;
  FrontendConfig frontend;
  Normalisation normalisation;
};

// Reads a training checkpoint and writes the export atomically; throws IoError/DataError.
void export_generator(const std::string& checkpoint_path, const std::string& out_path);

// Loads an export written by export_generator; throws DataError naming the path when the file
// is not one.
ExportedGenerator load_exported_generator(const std::string& path,
                                          torch::Device device = torch::kCPU);

}  // namespace audiogan
