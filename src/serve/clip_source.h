// Where the server's clips come from: a checkpoint's class names and generated clips. The real
// source wraps Sampler; tests can substitute a cheap one to exercise the server without a model.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "serve/clip_cache.h"

namespace audiogan {
class Sampler;
}

namespace audiogan::serve {

class ClipSource {
 public:
  virtual ~ClipSource() = default;
  // Class names stored in the checkpoint at `checkpoint_path`. Throws audiogan::Error.
  virtual std::vector<std::string> classes(const std::string& checkpoint_path) = 0;
  // One clip per seed, each depending only on (checkpoint, class, its seed, truncation,
  // seconds), so a clip can be reproduced on its own. seconds > 0 asks a variable-length model
  // for that length; 0 = the model's choice. Implementations must be safe to call from many
  // threads.
  virtual std::vector<Clip> generate(const std::string& checkpoint_path, int class_index,
                                     const std::vector<uint64_t>& seeds, double truncation,
                                     double seconds) = 0;
  // The truncation a request without one gets: the model's default (Sampler::default_truncation).
  virtual double default_truncation(const std::string& /*checkpoint_path*/) { return 0.0; }
};

// Samplers loaded lazily per checkpoint path and reloaded when the file's modification time or
// size changes (a new epoch written over last.pt); generation is serialised behind one mutex
// because a model is the expensive shared resource and concurrent forward passes only contend.
// `prepare`, when given, runs on each Sampler as it is loaded (the CLI gives it the vocoder of
// `serve --vocoder`); what it throws answers that request as an error.
std::shared_ptr<ClipSource> make_sampler_source(const std::string& device = "cpu",
                                                std::function<void(Sampler&)> prepare = {});

}  // namespace audiogan::serve
