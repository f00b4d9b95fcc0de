// The factory behind --arch: builds the generator and discriminator a ModelSpec names.
#include "model/gan_models.h"

#include "core/error.h"
#include "model/discriminator.h"
#include "model/generator.h"
#include "model/seed_discriminator.h"
#include "model/seed_generator.h"

namespace audiogan {

namespace {
[[noreturn]] void unknown_arch(const std::string& arch) {
  throw ConfigError("model: --arch must be one of {seed, default}, got '" + arch + "'");
}
}  // namespace

int default_width(const std::string& arch) {
  if (arch == "seed") return 64;     // the seeds' 512-channel bottleneck
  if (arch == "default") return 32;  // fits the CPU time budget; see docs/design.md
  unknown_arch(arch);
}

std::shared_ptr<GeneratorBase> make_generator(const ModelSpec& spec) {
  if (spec.arch == "seed") return std::make_shared<SeedGenerator>(spec);
  if (spec.arch == "default") return std::make_shared<Generator>(spec);
  unknown_arch(spec.arch);
}

std::shared_ptr<DiscriminatorBase> make_discriminator(const ModelSpec& spec) {
  if (spec.arch == "seed") return std::make_shared<SeedDiscriminator>(spec);
  if (spec.arch == "default") return std::make_shared<Discriminator>(spec);
  unknown_arch(spec.arch);
}

}  // namespace audiogan
