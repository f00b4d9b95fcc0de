// Placeholder registration until the subcommand is written.
#include "cli/commands.h"
#include "core/error.h"

namespace audiogan::cli {

void add_prepare_command(CLI::App& app) {
  auto* command = app.add_subcommand("prepare", "(not yet available)");
  command->callback([] { throw Error("prepare: not yet available"); });
}

}  // namespace audiogan::cli
