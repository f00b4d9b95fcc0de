// Placeholder registration until the subcommand is written.
#include "cli/commands.h"
#include "core/error.h"

namespace audiogan::cli {

void add_train_command(CLI::App& app) {
  auto* command = app.add_subcommand("train", "(not yet available)");
  command->callback([] { throw Error("train: not yet available"); });
}

}  // namespace audiogan::cli
