// `audiogan serve`: an HTTP server for the page and its JSON API (docs/api.md). Loopback by
// default, fixed routes, files looked up by name, JSON errors, bounded caches and queues, and a
// stop() that ends listen() cleanly.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "serve/clip_cache.h"
#include "serve/clip_source.h"

namespace audiogan::serve {

struct ServeConfig {
  std::string host = "127.0.0.1";  // address to bind; loopback unless set explicitly
  int port = 8080;                 // [0, 65535]; 0 = any free port
  int workers = 32;             // HTTP worker threads, [1, 1024]; each keep-alive client holds one
  size_t max_body = 64 * 1024;  // request body limit in bytes, [1, inf)
  int max_pending = 64;         // generate requests queued at once, [1, inf); more get 503
  ClipCacheConfig cache;

  void validate() const;
  std::string to_string() const;
};

// One line per request, for the CLI to print.
struct RequestLog {
  std::string method, path;
  int status = 0;
};

class Server {
 public:
  // Throws IoError when `runs_dir` is not a directory, ConfigError for a bad config.
  Server(ServeConfig config, const std::string& runs_dir, std::shared_ptr<ClipSource> source);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds host:port and returns the bound port (the chosen one when port is 0). Throws IoError.
  int bind();
  // Serves until stop(); call bind() first.
  void listen();
  // Thread-safe; listen() returns after in-flight requests finish.
  void stop();

  // Called after every request (from worker threads).
  void set_request_log(std::function<void(const RequestLog&)> log);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace audiogan::serve
