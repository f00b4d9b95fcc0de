// Placeholder registration until the subcommand is written.
#include "cli/commands.h"
#include "core/error.h"

namespace audiogan::cli {

void add_vocode_command(CLI::App& app) {
  auto* command = app.add_subcommand("vocode", "(not yet available)");
  command->callback([] { throw Error("vocode: not yet available"); });
}

}  // namespace audiogan::cli
