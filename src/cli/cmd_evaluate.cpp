// Placeholder registration until the subcommand is written.
#include "cli/commands.h"
#include "core/error.h"

namespace audiogan::cli {

void add_evaluate_command(CLI::App& app) {
  auto* command = app.add_subcommand("evaluate", "(not yet available)");
  command->callback([] { throw Error("evaluate: not yet available"); });
}

}  // namespace audiogan::cli
