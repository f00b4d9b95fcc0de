// The HTTP server: lifecycle, the embedded page, static run files, clips and error handling.
// The JSON API handlers are in api_routes.cpp.
#include "serve/server.h"

#include <chrono>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "serve/json_text.h"
#include "serve/server_impl.h"
#include "serve/web/page_assets.h"

namespace audiogan::serve {
namespace {

using nlohmann::json;

const char* content_type_for(const std::string& name) {
  auto ends = [&](const char* ext) {
    const std::string e(ext);
    return name.size() >= e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0;
  };
  if (ends(".png")) return "image/png";
  if (ends(".wav")) return "audio/wav";
  if (ends(".json")) return "application/json";
  if (ends(".jsonl")) return "application/x-ndjson";
  if (ends(".md")) return "text/markdown; charset=utf-8";
  return "text/plain; charset=utf-8";
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw HttpError(404, "file is no longer readable");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The page is same-origin only: no inline script, no remote resources.
void security_headers(httplib::Response& res) {
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; img-src 'self' data:; media-src 'self'; "
                 "style-src 'self'; script-src 'self'; frame-ancestors 'none'");
}

}  // namespace

void ServeConfig::validate() const {
  if (host.empty()) throw ConfigError("serve: --host must not be empty");
  if (port < 0 || port > 65535)
    throw ConfigError("serve: --port must be in [0, 65535], got " + std::to_string(port));
  if (workers < 1 || workers > 1024)
    throw ConfigError("serve: --workers must be in [1, 1024], got " + std::to_string(workers));
  if (max_body < 1) throw ConfigError("serve: max_body must be >= 1");
  if (max_pending < 1)
    throw ConfigError("serve: --max-pending must be >= 1, got " + std::to_string(max_pending));
  cache.validate();
}

std::string ServeConfig::to_string() const {
  return "host=" + host + " port=" + std::to_string(port) + " workers=" + std::to_string(workers) +
         " max_body=" + std::to_string(max_body) + " max_pending=" + std::to_string(max_pending) +
         " " + cache.to_string();
}

void send_json(httplib::Response& res, const json& body, int status) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(json_text(body), "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& message) {
  send_json(res, json{{"error", message}}, status);
}

std::string url_segment(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

std::string file_url(const std::string& run, const std::string& relative) {
  std::string url = "/api/runs/" + url_segment(run) + "/files";
  size_t start = 0;
  while (start <= relative.size()) {
    const size_t slash = relative.find('/', start);
    const size_t end = slash == std::string::npos ? relative.size() : slash;
    url += "/" + url_segment(relative.substr(start, end - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return url;
}

Server::Impl::Impl(ServeConfig config_in, const std::string& runs_dir,
                   std::shared_ptr<ClipSource> source_in)
    : config((config_in.validate(), config_in)),
      index(runs_dir),
      source(std::move(source_in)),
      cache(config.cache) {
  if (!source) throw ConfigError("serve: no clip source");
  const int workers = config.workers;
  http.new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
  http.set_payload_max_length(config.max_body);
  http.set_keep_alive_timeout(2);
  register_routes();
}

void Server::Impl::guarded(const httplib::Request& req, httplib::Response& res,
                           const std::function<void()>& handler) {
  (void)req;
  try {
    handler();
  } catch (const HttpError& error) {
    send_error(res, error.status(), error.what());
  } catch (const ConfigError& error) {
    send_error(res, 400, error.what());
  } catch (const Error& error) {
    send_error(res, 500, error.what());
  } catch (const std::exception& error) {
    send_error(res, 500, std::string("internal error: ") + error.what());
  }
}

void Server::Impl::register_routes() {
  using httplib::Request;
  using httplib::Response;
  auto page = [](const char* body, const char* type) {
    return [body, type](const Request&, Response& res) {
      security_headers(res);
      res.set_header("Cache-Control", "no-cache");
      res.set_content(body, type);
    };
  };
  http.Get("/", page(web::kIndexHtml, "text/html; charset=utf-8"));
  http.Get("/index.html", page(web::kIndexHtml, "text/html; charset=utf-8"));
  http.Get("/app.js", page(web::kAppJs, "text/javascript; charset=utf-8"));
  http.Get("/style.css", page(web::kStyleCss, "text/css; charset=utf-8"));

  http.Get("/health", [this](const Request&, Response& res) {
    send_json(res, {{"status", "ok"},
                    {"version", AUDIOGAN_VERSION},
                    {"cache", {{"clips", cache.size()}, {"bytes", cache.bytes()}}},
                    {"pending", pending.load()}});
  });
  http.Get("/api/runs", [this](const Request& req, Response& res) {
    guarded(req, res, [&] { send_json(res, runs_json()); });
  });
  http.Get(R"(/api/runs/([^/]+)/classes)", [this](const Request& req, Response& res) {
    guarded(req, res, [&] {
      const RunInfo run = require_run(req.matches[1]);
      send_json(res, classes_json(run, req.get_param_value("checkpoint")));
    });
  });
  http.Get(R"(/api/runs/([^/]+)/history)", [this](const Request& req, Response& res) {
    guarded(req, res, [&] { send_json(res, history_json(require_run(req.matches[1]))); });
  });
  http.Get(R"(/api/runs/([^/]+))", [this](const Request& req, Response& res) {
    guarded(req, res, [&] { send_json(res, run_json(require_run(req.matches[1]))); });
  });
  // Static run files: the relative name must be one the listing of the run found.
  http.Get(R"(/api/runs/([^/]+)/files/(.+))", [this](const Request& req, Response& res) {
    guarded(req, res, [&] {
      const RunInfo run = require_run(req.matches[1]);
      const auto found = run.files.find(req.matches[2]);
      if (found == run.files.end() || !index.inside(found->second))
        throw HttpError(404, "run '" + run.name + "' has no file '" + req.matches[2].str() + "'");
      security_headers(res);
      res.set_header("Cache-Control", "no-cache");
      res.set_content(read_file(found->second), content_type_for(found->first));
    });
  });
  http.Post("/api/generate", [this](const Request& req, Response& res) {
    guarded(req, res, [&] {
      if (req.body.size() > config.max_body)
        throw HttpError(413, "request body exceeds " + std::to_string(config.max_body) + " bytes");
      send_json(res, generate(GenerateRequest::parse(req.body)));
    });
  });
  http.Get(R"(/api/clips/([0-9a-f]{16})\.(wav|png))", [this](const Request& req, Response& res) {
    guarded(req, res, [&] {
      const auto clip = cache.get(req.matches[1]);
      if (!clip)
        throw HttpError(
            404, "clip " + req.matches[1].str() + " is unknown or expired; generate it again");
      const bool wav = req.matches[2] == "wav";
      // Clip ids name their content, so the bytes behind an id never change.
      res.set_header("Cache-Control", "private, max-age=86400, immutable");
      if (wav) res.set_header("Accept-Ranges", "bytes");
      res.set_content(wav ? clip->wav : clip->png, wav ? "audio/wav" : "image/png");
    });
  });

  // Anything that ends as an error without a body (unknown route, 413 from the parser, ...)
  // still answers with a JSON error.
  http.set_error_handler(
      httplib::Server::HandlerWithResponse([](const Request& req, Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        std::string message = "HTTP status " + std::to_string(res.status);
        if (res.status == 400) message = "bad request";
        if (res.status == 404) message = "no such route: " + req.method + " " + req.path;
        if (res.status == 405) message = "method not allowed";
        if (res.status == 413) message = "request body too large";
        send_error(res, res.status, message);
        return httplib::Server::HandlerResponse::Handled;
      }));
  http.set_exception_handler([](const Request&, Response& res, std::exception_ptr error) {
    try {
      if (error) std::rethrow_exception(error);
    } catch (const std::exception& e) {
      send_error(res, 500, std::string("internal error: ") + e.what());
      return;
    } catch (...) {
    }
    send_error(res, 500, "internal error");
  });
  http.set_logger([this](const Request& req, const Response& res) {
    if (!log) return;
    log(RequestLog{req.method, req.path, res.status});
  });
}

Server::Server(ServeConfig config, const std::string& runs_dir, std::shared_ptr<ClipSource> source)
    : impl_(std::make_unique<Impl>(std::move(config), runs_dir, std::move(source))) {}

Server::~Server() {
  stop();
}

int Server::bind() {
  const auto& config = impl_->config;
  int port = config.port;
  if (port == 0) {
    port = impl_->http.bind_to_any_port(config.host);
  } else if (!impl_->http.bind_to_port(config.host, port)) {
    port = -1;
  }
  if (port < 0) {
    throw IoError("serve: cannot listen on " + config.host + ":" + std::to_string(config.port) +
                  " (address in use, not local, or not permitted)");
  }
  return port;
}

void Server::listen() {
  if (!impl_->stopping) impl_->http.listen_after_bind();
}

void Server::stop() {
  if (!impl_) return;
  impl_->stopping = true;
  impl_->http.stop();
}

void Server::set_request_log(std::function<void(const RequestLog&)> log) {
  impl_->log = std::move(log);
}

}  // namespace audiogan::serve
