// Internal to the server: state shared by the route handlers in server.cpp and api_routes.cpp.
#pragma once

#include <httplib.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "serve/generate_request.h"
#include "serve/run_index.h"
#include "serve/server.h"

namespace audiogan::serve {

struct Server::Impl {
  Impl(ServeConfig config, const std::string& runs_dir, std::shared_ptr<ClipSource> source);

  void register_routes();
  // Runs a handler, turning HttpError and audiogan::Error into JSON error responses.
  void guarded(const httplib::Request& req, httplib::Response& res,
               const std::function<void()>& handler);

  // api_routes.cpp
  nlohmann::json runs_json();
  nlohmann::json run_json(const RunInfo& run);
  nlohmann::json classes_json(const RunInfo& run, const std::string& checkpoint);
  nlohmann::json history_json(const RunInfo& run);
  nlohmann::json generate(const GenerateRequest& request);

  RunInfo require_run(const std::string& name) const;
  const CheckpointInfo& require_checkpoint(const RunInfo& run, const std::string& name) const;

  ServeConfig config;
  RunIndex index;
  std::shared_ptr<ClipSource> source;
  ClipCache cache;
  httplib::Server http;
  std::atomic<int> pending{0};
  std::atomic<bool> stopping{false};
  std::function<void(const RequestLog&)> log;
};

// JSON responses and URL helpers.
void send_json(httplib::Response& res, const nlohmann::json& body, int status = 200);
void send_error(httplib::Response& res, int status, const std::string& message);
// Percent-encodes one path segment (RFC 3986 unreserved characters pass through).
std::string url_segment(const std::string& text);
// "/api/runs/<run>/files/<relative>" with each segment encoded.
std::string file_url(const std::string& run, const std::string& relative);

}  // namespace audiogan::serve
