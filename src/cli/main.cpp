// audiogan: the command-line entry point. Parses, dispatches, and turns errors into one line.
#include <csignal>
#include <iostream>

#include "cli/commands.h"
#include "core/allocator.h"
#include "core/error.h"

namespace {

// The exit statuses, as sysexits-style tools split them: 2 for a usage error (a flag or command
// line CLI11 rejects, or a ConfigError: a setting out of range or inconsistent), 1 for any other
// failure. audiogan::Error::exit_code() gives the same split for the library's errors.
constexpr int kExitUsage = 2;
constexpr int kExitFailure = 1;

}  // namespace

int main(int argc, char** argv) {
  audiogan::keep_freed_memory_for_reuse();
  // A write past a file-size limit (`ulimit -f`) then fails with EFBIG and is reported like a
  // full disk (an error naming the file, exit 1, the previous checkpoint kept) instead of
  // SIGXFSZ killing the process halfway through the write.
  std::signal(SIGXFSZ, SIG_IGN);
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
  audiogan::cli::add_train_vocoder_command(app);
  audiogan::cli::add_generate_command(app);
  audiogan::cli::add_export_command(app);
  audiogan::cli::add_evaluate_command(app);
  audiogan::cli::add_serve_command(app);
  audiogan::cli::add_bench_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // CLI11 prints the help, the version or the parse error; its own codes (105-114 and up) are
    // not audiogan's contract: help and version succeed, every other parse error is a usage error.
    return app.exit(error) == static_cast<int>(CLI::ExitCodes::Success) ? 0 : kExitUsage;
  } catch (const audiogan::Error& error) {
    std::cerr << "audiogan: error: " << error.what() << "\n";
    return error.exit_code();
  } catch (const c10::Error& error) {
    std::cerr << "audiogan: error: " << error.what_without_backtrace() << "\n";
    return kExitFailure;
  } catch (const std::exception& error) {
    std::cerr << "audiogan: error: " << error.what() << "\n";
    return kExitFailure;
  }
  return 0;
}
