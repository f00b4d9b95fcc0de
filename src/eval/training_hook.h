// Quick evaluation during training (`train --eval-every K`): a function for
// TrainerOptions::evaluate that measures an epoch's checkpoint and keeps the best one (lowest
// Fréchet distance) as checkpoints/best.pt.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "eval/evaluator.h"

namespace audiogan::eval {

struct QuickEvalHookOptions {
  std::string data_root;
  std::string cache_dir;  // "" = <root>/.audiogan-cache (the classifier is cached there)
  int threads = 0;
  ClassifierTrainingOptions classifier;  // the reference classifier's training (cached)
  EvaluationOptions evaluation = quick_options();
  // Reports the classifier's training on the first call (it is trained once per dataset).
  EvaluationProgressCallback progress;
};

// (checkpoint path, epoch) -> {"conditional_accuracy", "inception_score", "fd", "fd_floor",
// "ndb_over_k", "mode_collapse", "classifier_accuracy", "meaningful", "best", "seconds"}.
// The reference (datasets, classifier, real embeddings) is prepared on the first call and
// reused. When the checkpoint's FD is the lowest so far, it is copied to best.pt beside it and
// best.json records its epoch and FD (read back on resume, so the best survives restarts).
std::function<nlohmann::json(const std::string&, int64_t)> make_quick_eval_hook(
    QuickEvalHookOptions options);

}  // namespace audiogan::eval
