// Placeholder registration until the subcommand is written.
#include "cli/commands.h"
#include "core/error.h"

namespace audiogan::cli {

void add_mel_command(CLI::App& app) {
  auto* command = app.add_subcommand("mel", "(not yet available)");
  command->callback([] { throw Error("mel: not yet available"); });
}

}  // namespace audiogan::cli
