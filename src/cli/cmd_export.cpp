// Placeholder registration until the subcommand is written.
#include "cli/commands.h"
#include "core/error.h"

namespace audiogan::cli {

void add_export_command(CLI::App& app) {
  auto* command = app.add_subcommand("export", "(not yet available)");
  command->callback([] { throw Error("export: not yet available"); });
}

}  // namespace audiogan::cli
