// A small generator checkpoint with random weights, for the export tests (tests/train and
// tests/vocoder).
#pragma once

#include <memory>
#include <string>

#include <torch/torch.h>

#include "core/config.h"
#include "model/gan_models.h"
#include "train/checkpoint.h"

namespace audiogan::export_testing {

// "seed", "default", or either with "+attention": self-attention at two stages (16 and 4 rows).
inline ModelSpec small_spec(const std::string& name) {
  ModelSpec spec;
  const auto plus = name.find('+');
  spec.arch = name.substr(0, plus);
  if (plus != std::string::npos) spec.attention = {16, 4};
  spec.num_classes = 3;
  spec.latent = 8;
  spec.width = 2;
  spec.n_mels = 32;
  spec.frames = 48;
  return spec;
}

// A generator with random weights and BatchNorm statistics (so eval mode is really checked),
// saved as a checkpoint; returns the generator in eval mode.
inline std::shared_ptr<GeneratorBase> write_checkpoint(const std::string& path,
                                                       const ModelSpec& spec) {
  torch::manual_seed(3);
  auto generator = make_generator(spec);
  {
    torch::NoGradGuard no_grad;
    for (auto& p : generator->parameters()) p.add_(torch::randn_like(p) * 0.1);
    for (const auto& item : generator->named_buffers()) {
      if (item.key().find("running_mean") != std::string::npos) {
        item.value().copy_(torch::randn_like(item.value()) * 0.2);
      } else if (item.key().find("running_var") != std::string::npos) {
        item.value().copy_(torch::rand_like(item.value()) + 0.5);
      }
    }
  }
  generator->eval();
  CheckpointMeta meta;
  Config config;
  config.frontend.frames = spec.frames;
  config.frontend.n_mels = spec.n_mels;
  meta.config_toml = config.to_toml();
  meta.class_names = {"clap", "kick", "snare"};
  meta.frontend = config.frontend.to_string();
  meta.normalisation = {0.25, 6.5};
  meta.spec = spec;
  CheckpointWriter writer;
  writer.add_module("generator", *generator);
  writer.commit({path}, meta);
  return generator;
}

}  // namespace audiogan::export_testing
