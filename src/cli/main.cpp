// audiogan: the command-line entry point. Parses, dispatches, and turns errors into one line.
#include <iostream>

#include "cli/commands.h"
#include "core/allocator.h"
#include "core/error.h"

int main(int argc, char** argv) {
  audiogan::keep_freed_memory_for_reuse();
  CLI::App app{
      "audiogan " AUDIOGAN_VERSION
      ": a class-conditional GAN on log-mel spectrograms of short sounds.\n"
      "Example: audiogan prepare --data data/drums && audiogan train --data data/drums --out "
      "runs/drums"};
  app.require_subcommand(1);
  app.set_version_flag("--version", AUDIOGAN_VERSION);
  audiogan::cli::add_mel_command(app);
  audiogan::cli::add_vocode_command(app);
  audiogan::cli::add_prepare_command(app);
  audiogan::cli::add_train_command(app);
  audiogan::cli::add_generate_command(app);
  audiogan::cli::add_export_command(app);
  audiogan::cli::add_evaluate_command(app);
  audiogan::cli::add_serve_command(app);
  audiogan::cli::add_bench_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  } catch (const audiogan::Error& error) {
    std::cerr << "audiogan: error: " << error.what() << "\n";
    return error.exit_code();
  } catch (const c10::Error& error) {
    std::cerr << "audiogan: error: " << error.what_without_backtrace() << "\n";
    return 1;
  } catch (const std::exception& error) {
    std::cerr << "audiogan: error: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
