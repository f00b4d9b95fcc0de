// Placeholder registration until the subcommand is written.
#include "cli/commands.h"
#include "core/error.h"

namespace audiogan::cli {

void add_generate_command(CLI::App& app) {
  auto* command = app.add_subcommand("generate", "(not yet available)");
  command->callback([] { throw Error("generate: not yet available"); });
}

}  // namespace audiogan::cli
