// Exporting a trained generator as one self-describing TorchScript file other programs can run.
//
// LibTorch cannot script C++-defined modules, so the export is a TorchScript module built here:
//   generator/...       the generator's parameters and buffers (EMA weights when trained with EMA)
//                       under the C++ module's names
//   forward(z, labels)  the eval-mode forward pass (model/generator_script.h): z [B, latent]
//                       float32, labels [B] int64 -> [B, 1, n_mels, frames] in [-1, 1]
//   log_mel(z, labels)  the same mapped back to log1p(mel power) with the normalisation
//   metadata            a JSON string: format, class names, front end (TOML and one-line form),
//                       normalisation (low/high), model spec (arch, latent, width, n_mels, frames)
//   class_names, normalisation_low, normalisation_high   as plain attributes
// From Python: m = torch.jit.load("G.pt"); m(z, labels); json.loads(m.metadata).
// From C++: torch::jit::load("G.pt").forward(...), or Sampler::load / load_exported_generator
// below, which rebuild audiogan's own module from the same weights.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <torch/script.h>
#include <torch/torch.h>
#include <nlohmann/json.hpp>

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
  std::string loss;  // the training loss as configured (empty = the arch's default)
};

// Adds to an export before it is written (e.g. a vocoder: vocoder/vocoder_script.h): the module
// and its metadata JSON, which is stored after the hook ran.
using ExportExtension = std::function<void(torch::jit::Module& exported, nlohmann::json& metadata)>;

// Reads a training checkpoint and writes the export atomically; throws IoError/DataError.
void export_generator(const std::string& checkpoint_path, const std::string& out_path,
                      const ExportExtension& extend = {});

// A TorchScript module holding `module`'s parameters and buffers under the same names and
// submodule tree (type names "__torch__.audiogan.<path>..."), so torch::nn::Module::load reads
// it back as well.
torch::jit::Module script_tree(const torch::nn::Module& module, const std::string& path,
                               const std::shared_ptr<torch::jit::CompilationUnit>& unit);

// Loads an export written by export_generator; throws DataError naming the path when the file
// is not one.
ExportedGenerator load_exported_generator(const std::string& path,
                                          torch::Device device = torch::kCPU);

}  // namespace audiogan
