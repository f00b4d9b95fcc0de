// The --eval-every hook.
#include "eval/training_hook.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>

#include "core/error.h"
#include "infer/sampler.h"

namespace audiogan::eval {
namespace {

namespace fs = std::filesystem;

struct HookState {
  QuickEvalHookOptions options;
  std::unique_ptr<EvaluationReference> reference;
  double best_fd = std::numeric_limits<double>::infinity();
  bool best_loaded = false;
};

double read_best_fd(const fs::path& best_json) {
  std::ifstream file(best_json);
  if (!file) return std::numeric_limits<double>::infinity();
  try {
    return nlohmann::json::parse(file).at("fd").get<double>();
  } catch (const std::exception&) {
    return std::numeric_limits<double>::infinity();
  }
}

nlohmann::json finite_or_null(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

}  // namespace

std::function<nlohmann::json(const std::string&, int64_t)> make_quick_eval_hook(
    QuickEvalHookOptions options) {
  auto state = std::make_shared<HookState>();
  state->options = std::move(options);
  return [state](const std::string& checkpoint, int64_t epoch) -> nlohmann::json {
    const Sampler sampler = Sampler::load(checkpoint);
    if (!state->reference) {
      ReferenceOptions ref;
      ref.data_root = state->options.data_root;
      ref.cache_dir = state->options.cache_dir;
      ref.threads = state->options.threads;
      ref.classifier = state->options.classifier;
      state->reference = std::make_unique<EvaluationReference>(prepare_reference(
          sampler.frontend(), sampler.class_names(), ref, state->options.progress));
    }
    const EvaluationOptions& eo = state->options.evaluation;
    // Sampled as `audiogan evaluate` samples by default, so best.pt is chosen on what users get.
    const double truncation = sampler.default_truncation();
    const EvaluationReport r =
        evaluate(source_from_sampler(sampler, eo.griffin_lim, truncation), *state->reference, eo);

    const fs::path dir = fs::path(checkpoint).parent_path();
    const fs::path best_json = dir / "best.json";
    if (!state->best_loaded) {
      state->best_fd = read_best_fd(best_json);
      state->best_loaded = true;
    }
    const bool best = std::isfinite(r.fd) && r.fd < state->best_fd;
    if (best) {
      std::error_code ec;
      fs::copy_file(checkpoint, dir / "best.pt.tmp", fs::copy_options::overwrite_existing, ec);
      if (!ec) fs::rename(dir / "best.pt.tmp", dir / "best.pt", ec);
      if (ec)
        throw IoError("evaluate: cannot write " + (dir / "best.pt").string() + ": " + ec.message());
      state->best_fd = r.fd;
      std::ofstream(best_json)
          << nlohmann::json{{"epoch", epoch}, {"fd", r.fd}, {"source", checkpoint}}.dump() << "\n";
    }
    return {{"conditional_accuracy", finite_or_null(r.conditional_accuracy)},
            {"inception_score", finite_or_null(r.is_generated.mean)},
            {"inception_score_real", finite_or_null(r.is_real_test.mean)},
            {"fd", finite_or_null(r.fd)},
            {"fd_floor", finite_or_null(r.fd_floor)},
            {"ndb_over_k", finite_or_null(r.ndb.ndb_over_k)},
            {"mode_collapse", r.mode_collapse},
            {"classifier_accuracy", finite_or_null(r.classifier_accuracy)},
            {"meaningful", r.meaningful},
            {"count_per_class", r.count_per_class},
            {"truncation", truncation},
            {"best", best},
            {"seconds", r.seconds}};
  };
}

}  // namespace audiogan::eval
