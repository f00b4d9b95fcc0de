// `audiogan serve`: the local web page and JSON API over a folder of training runs.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <thread>

#include "cli/commands.h"
#include "core/error.h"
#include "core/threads.h"
#include "infer/sampler.h"
#include "serve/clip_source.h"
#include "serve/run_index.h"
#include "serve/server.h"
#include "vocoder/vocoder_checkpoint.h"

namespace audiogan::cli {
namespace {

struct ServeOptions {
  std::string runs;
  std::string device = "cpu";
  std::string vocoder = "auto";
  int threads = 0;
  bool quiet = false;
  size_t cache_mb = serve::ClipCacheConfig{}.max_bytes >> 20;
  serve::ServeConfig server;
};

// Set by the SIGINT/SIGTERM handler. A handler (rather than blocking the signals and waiting for
// them) works whichever thread the signal lands on, including threads LibTorch starts itself.
std::atomic<bool> stop_requested{false};

void request_stop(int) {
  stop_requested = true;
}

// Polls the stop flag and stops the server from a normal thread: httplib's stop() is not
// async-signal-safe.
std::thread start_signal_watcher(serve::Server& server, std::atomic<bool>& done) {
  return std::thread([&server, &done] {
    while (!done) {
      if (stop_requested) {
        std::cerr << "audiogan serve: stopping\n";
        server.stop();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
}

void run_serve(ServeOptions& options) {
  options.server.cache.max_bytes = options.cache_mb << 20;
  options.server.validate();

  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  configure_threads(options.threads);

  // Opened now, so a wrong path fails at start; each run's front end is checked as it loads.
  if (options.vocoder != "auto" && options.vocoder != "griffin-lim") {
    VocoderCheckpointReader check(options.vocoder);
  }
  auto prepare = [vocoder = options.vocoder, device = options.device](Sampler& sampler) {
    use_vocoder_flag(vocoder, sampler, device);
  };
  serve::Server server(options.server, options.runs,
                       serve::make_sampler_source(options.device, prepare));
  std::mutex print_mutex;
  if (!options.quiet) {
    server.set_request_log([&print_mutex](const serve::RequestLog& entry) {
      std::lock_guard<std::mutex> lock(print_mutex);
      std::cout << entry.method << " " << entry.path << " " << entry.status << "\n" << std::flush;
    });
  }
  const int port = server.bind();
  const size_t runs = serve::RunIndex(options.runs).run_names().size();
  const std::string host = options.server.host;
  const bool loopback = host == "127.0.0.1" || host == "localhost" || host == "::1";
  std::cout << "audiogan serve: http://"
            << (host.find(':') != std::string::npos ? "[" + host + "]" : host) << ":" << port
            << "/  (" << runs << " run(s) in " << options.runs << ", device " << options.device
            << ", vocoder " << options.vocoder << "); Ctrl-C stops\n"
            << std::flush;
  if (!loopback) {
    std::cerr << "audiogan serve: warning: listening on " << host
              << ", reachable from other machines; there is no authentication\n";
  }

  std::atomic<bool> done{false};
  std::thread watcher = start_signal_watcher(server, done);
  server.listen();
  done = true;
  watcher.join();
  std::cout << "audiogan serve: stopped\n";
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto options = std::make_shared<ServeOptions>();
  auto* command = app.add_subcommand(
      "serve",
      "Serve a local web page to generate, play and compare clips and follow training runs.\n"
      "Example: audiogan serve --runs runs --port 8080   (then open http://127.0.0.1:8080/)");
  command->add_option("--runs", options->runs, "Folder whose sub-folders are training runs")
      ->required()
      ->check(CLI::ExistingDirectory);
  command
      ->add_option("--host", options->server.host,
                   "Address to listen on; loopback unless set (0.0.0.0 = every interface)")
      ->capture_default_str();
  command->add_option("--port", options->server.port, "TCP port, [0, 65535]; 0 = any free port")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  command->add_option("--device", options->device, "Where the generator runs")
      ->check(CLI::IsMember({"cpu", "cuda"}))
      ->capture_default_str();
  add_threads_flag(*command, options->threads);
  add_vocoder_flag(*command, options->vocoder);
  command->get_option("--vocoder")
      ->description(
          "auto (each run's own: the vocoder it was trained with, train --vocoder, else "
          "griffin-lim), griffin-lim, or a folder (or checkpoint) written by `audiogan "
          "train-vocoder`: every run's clips go through it, and a run with another front end "
          "answers an error naming both values");
  command
      ->add_option("--workers", options->server.workers,
                   "HTTP worker threads, [1, 1024]; each open keep-alive connection holds one")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  command
      ->add_option("--cache-clips", options->server.cache.max_clips,
                   "Generated clips kept in memory, [1, inf)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command
      ->add_option("--cache-mb", options->cache_mb, "Memory for generated clips in MiB, [1, inf)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command
      ->add_option("--max-pending", options->server.max_pending,
                   "Generate requests waiting at once before new ones get 503, [1, inf)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command->add_flag("--quiet", options->quiet, "Do not print one line per request");
  command->callback([options] { run_serve(*options); });
}

}  // namespace audiogan::cli
