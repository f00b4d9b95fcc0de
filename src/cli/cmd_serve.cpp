// Placeholder registration until the subcommand is written.
#include "cli/commands.h"
#include "core/error.h"

namespace audiogan::cli {

void add_serve_command(CLI::App& app) {
  auto* command = app.add_subcommand("serve", "(not yet available)");
  command->callback([] { throw Error("serve: not yet available"); });
}

}  // namespace audiogan::cli
