// The JSON API: runs, classes, training history and generation (documented in docs/api.md).
#include <cstdio>
#include <fstream>
#include <random>

#include "core/error.h"
#include "core/hash.h"
#include "serve/server_impl.h"
#include "infer/sampler.h"

namespace audiogan::serve {
namespace {

using nlohmann::json;

// Clip ids name their content: checkpoint file (path, mtime, size), class, seed, truncation and
// the asked length (0 = the model's choice).
std::string clip_id(const CheckpointInfo& checkpoint, int class_index, uint64_t seed,
                    double truncation, double seconds) {
  char truncation_text[64];
  std::snprintf(truncation_text, sizeof truncation_text, "%.17g|%.17g", truncation, seconds);
  const std::string key = checkpoint.path.string() + "|" + std::to_string(checkpoint.mtime_ns) +
                          "|" + std::to_string(checkpoint.size) + "|" +
                          std::to_string(class_index) + "|" + std::to_string(seed) + "|" +
                          truncation_text;
  return fnv1a64_hex(key);
}

uint64_t random_seed() {
  static std::mutex mutex;
  static std::mt19937_64 engine{std::random_device{}()};
  std::lock_guard<std::mutex> lock(mutex);
  return engine() & GenerateRequest::kMaxRandomSeed;
}

int resolve_class(const std::vector<std::string>& classes, const std::string& wanted) {
  for (size_t i = 0; i < classes.size(); ++i)
    if (classes[i] == wanted) return static_cast<int>(i);
  if (!wanted.empty() && wanted.size() < 6 &&
      wanted.find_first_not_of("0123456789") == std::string::npos) {
    const int index = std::stoi(wanted);
    if (index < static_cast<int>(classes.size())) return index;
  }
  std::string known;
  for (const auto& name : classes) known += (known.empty() ? "" : ", ") + name;
  throw HttpError(404, "unknown class '" + wanted + "'; known classes: " + known);
}

// Releases a slot of the generation queue however the request ends.
struct PendingSlot {
  explicit PendingSlot(std::atomic<int>& counter) : counter_(counter) { ++counter_; }
  ~PendingSlot() { --counter_; }
  std::atomic<int>& counter_;
};

}  // namespace

RunInfo Server::Impl::require_run(const std::string& name) const {
  auto run = index.find(name);
  if (!run) throw HttpError(404, "unknown run '" + name + "'");
  return *run;
}

const CheckpointInfo& Server::Impl::require_checkpoint(const RunInfo& run,
                                                       const std::string& name) const {
  if (run.checkpoints.empty()) throw HttpError(404, "run '" + run.name + "' has no checkpoint yet");
  if (name.empty()) return run.checkpoints.front();
  for (const auto& checkpoint : run.checkpoints)
    if (checkpoint.name == name) return checkpoint;
  std::string known;
  for (const auto& checkpoint : run.checkpoints)
    known += (known.empty() ? "" : ", ") + checkpoint.name;
  throw HttpError(404, "run '" + run.name + "' has no checkpoint '" + name + "'; found: " + known);
}

json Server::Impl::run_json(const RunInfo& run) {
  json checkpoints = json::array();
  for (const auto& checkpoint : run.checkpoints) {
    checkpoints.push_back({{"name", checkpoint.name},
                           {"epoch", checkpoint.epoch < 0 ? json(nullptr) : json(checkpoint.epoch)},
                           {"mtime_ns", checkpoint.mtime_ns},
                           {"bytes", checkpoint.size}});
  }
  json epochs = json::array();
  for (const auto& epoch : run.epochs) epochs.push_back(epoch.epoch);
  json out = {{"name", run.name},
              {"checkpoints", checkpoints},
              {"epochs", epochs},
              {"has_eval_report", run.has_eval_report()},
              {"has_loss_plot", run.has("loss.png")},
              {"classes", json::array()}};
  if (!run.checkpoints.empty()) {
    try {
      out["classes"] = source->classes(run.checkpoints.front().path.string());
    } catch (const std::exception& error) {
      // A checkpoint being written or unreadable must not hide the other runs.
      out["classes_error"] = error.what();
    }
  }
  return out;
}

json Server::Impl::runs_json() {
  json runs = json::array();
  for (const auto& name : index.run_names()) {
    if (auto run = index.find(name)) runs.push_back(run_json(*run));
  }
  return {{"runs", runs}};
}

json Server::Impl::classes_json(const RunInfo& run, const std::string& checkpoint_name) {
  const CheckpointInfo& checkpoint = require_checkpoint(run, checkpoint_name);
  return {{"run", run.name},
          {"checkpoint", checkpoint.name},
          {"classes", source->classes(checkpoint.path.string())}};
}

json Server::Impl::history_json(const RunInfo& run) {
  json epochs = json::array();
  for (const auto& epoch : run.epochs) {
    json audio = json::array();
    for (const auto& clip : epoch.audio)
      audio.push_back({{"class", clip.class_name}, {"url", file_url(run.name, clip.file)}});
    epochs.push_back(
        {{"epoch", epoch.epoch},
         {"plot", epoch.plot.empty() ? json(nullptr) : json(file_url(run.name, epoch.plot))},
         {"audio", audio}});
  }

  // metrics.jsonl: one JSON object per line; a partly written last line is skipped.
  json metrics = json::array();
  int skipped = 0;
  if (auto found = run.files.find("metrics.jsonl"); found != run.files.end()) {
    std::ifstream in(found->second);
    std::string line;
    while (std::getline(in, line)) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      try {
        metrics.push_back(json::parse(line));
      } catch (const json::exception&) {  // also out_of_range: a number no double holds
        ++skipped;
      }
    }
  }

  json eval = nullptr;
  if (run.has_eval_report()) {
    eval = json::object();
    if (auto found = run.files.find("eval/report.json"); found != run.files.end()) {
      std::ifstream in(found->second);
      try {
        eval["report"] = json::parse(in);
      } catch (const json::exception&) {
        eval["report"] = nullptr;
      }
    }
    json files = json::array();
    for (const auto& [name, path] : run.files) {
      (void)path;
      if (name.rfind("eval/", 0) == 0)
        files.push_back({{"name", name}, {"url", file_url(run.name, name)}});
    }
    eval["files"] = files;
    if (run.has("eval/report.md")) eval["markdown_url"] = file_url(run.name, "eval/report.md");
  }

  auto optional_url = [&](const std::string& name) {
    return run.has(name) ? json(file_url(run.name, name)) : json(nullptr);
  };
  return {{"run", run.name},
          {"epochs", epochs},
          {"metrics", metrics},
          {"metrics_skipped_lines", skipped},
          {"loss_plot", optional_url("loss.png")},
          {"config", optional_url("config.toml")},
          {"eval", eval}};
}

json Server::Impl::generate(const GenerateRequest& request) {
  const RunInfo run = require_run(request.run);
  const CheckpointInfo checkpoint = require_checkpoint(run, request.checkpoint);
  const std::string path = checkpoint.path.string();
  const int class_index = resolve_class(source->classes(path), request.class_name);
  const uint64_t seed = request.seed ? *request.seed : random_seed();
  const double truncation =
      request.truncation ? *request.truncation : source->default_truncation(path);
  const double seconds = request.seconds.value_or(0.0);

  // Clip i uses seed + i, as `generate --seed` numbers its clips, so any clip can be reproduced
  // alone with count 1, here or from the command line.
  std::vector<uint64_t> seeds, missing_seeds;
  std::vector<std::string> ids;
  std::vector<std::shared_ptr<const Clip>> clips;
  for (int i = 0; i < request.count; ++i) {
    seeds.push_back(Sampler::clip_seed(seed, i));
    ids.push_back(clip_id(checkpoint, class_index, seeds.back(), truncation, seconds));
    clips.push_back(cache.get(ids.back()));
    if (!clips.back()) missing_seeds.push_back(seeds.back());
  }
  if (!missing_seeds.empty()) {
    PendingSlot slot(pending);
    if (pending.load() > config.max_pending)
      throw HttpError(503, "server busy: " + std::to_string(config.max_pending) +
                               " generate requests already queued, retry shortly");
    auto made = source->generate(path, class_index, missing_seeds, truncation, seconds);
    if (made.size() != missing_seeds.size())
      throw Error("serve: the generator returned " + std::to_string(made.size()) + " clips for " +
                  std::to_string(missing_seeds.size()) + " seeds");
    size_t next = 0;
    for (size_t i = 0; i < clips.size(); ++i) {
      if (clips[i]) continue;
      clips[i] = std::make_shared<const Clip>(std::move(made[next++]));
      cache.put(ids[i], clips[i]);
    }
  }

  json out_clips = json::array();
  for (size_t i = 0; i < clips.size(); ++i) {
    out_clips.push_back({{"id", ids[i]},
                         {"seed", seeds[i]},
                         {"duration_s", clips[i]->duration_s},
                         {"wav", "/api/clips/" + ids[i] + ".wav"},
                         {"png", "/api/clips/" + ids[i] + ".png"}});
  }
  return {{"run", run.name},
          {"checkpoint", checkpoint.name},
          {"class", source->classes(path)[class_index]},
          {"class_index", class_index},
          {"seed", seed},
          {"truncation", truncation},
          {"seconds", request.seconds ? json(*request.seconds) : json(nullptr)},
          {"clips", out_clips}};
}

}  // namespace audiogan::serve
