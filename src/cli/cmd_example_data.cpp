// Placeholder registration until the subcommand is written.
#include "cli/commands.h"
#include "core/error.h"

namespace audiogan::cli {

void add_example_data_command(CLI::App& app) {
  auto* command = app.add_subcommand("example-data", "(not yet available)");
  command->callback([] { throw Error("example-data: not yet available"); });
}

}  // namespace audiogan::cli
