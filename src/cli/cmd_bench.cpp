// Placeholder registration until the subcommand is written.
#include "cli/commands.h"
#include "core/error.h"

namespace audiogan::cli {

void add_bench_command(CLI::App& app) {
  auto* command = app.add_subcommand("bench", "(not yet available)");
  command->callback([] { throw Error("bench: not yet available"); });
}

}  // namespace audiogan::cli
