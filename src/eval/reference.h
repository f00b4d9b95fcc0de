// The real side of an evaluation, prepared once and reused (by `evaluate` and by quick
// evaluations during training): the train and test spectrograms, the classifier trained on the
// train split (cached on disk), and the real embeddings and statistics every metric compares to.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "core/config.h"
#include "eval/classifier_training.h"

namespace audiogan::eval {

struct ReferenceOptions {
  std::string data_root;  // <root>/train/<class>/... (and optionally <root>/test/)
  std::string cache_dir;  // "" = <root>/.audiogan-cache
  int threads = 0;        // for decoding the datasets; 0 = every core
  // The split scored against: <root>/<test_split>/<class>/... . "test" falls back to a held-out
  // 10 % of train when <root>/test does not exist; any other name (e.g. "val", where recipe
  // settings are chosen) must exist. The classifier is trained on train either way.
  std::string test_split = "test";
  ClassifierTrainingOptions classifier;
};

// One line per stage: "cache train", "cache test", "classifier", "embed", "sound lengths", ...
struct EvaluationProgress {
  std::string stage;
  int64_t done = 0;
  int64_t total = 0;
  std::string detail;
};
using EvaluationProgressCallback = std::function<void(const EvaluationProgress&)>;

struct RealSplit {
  torch::Tensor spectrograms;      // [N, n_mels, frames] float16 or float32, log1p
  torch::Tensor labels;            // [N] int64
  std::vector<std::string> paths;  // [N] source files
  Classification classified;       // embeddings and probabilities from the classifier
  // [N] int64, each clip's sound length in frames at its natural length (eval::file_sound_frames
  // over the whole file, not the cache's cut or padded spectrogram). Measured for the test split
  // only; undefined for train.
  torch::Tensor sound_frames;
};

struct EvaluationReference {
  std::vector<std::string> class_names;
  FrontendConfig frontend;
  SpectrogramClassifier classifier{nullptr};
  std::string classifier_path;       // the cached weights
  bool classifier_reused = false;    // loaded from the cache rather than trained now
  RealSplit train;                   // what the classifier was trained on
  RealSplit test;                    // the real test (or --split) split, or 10% of train
  std::string test_source;           // the split's name ("test", "val") or "held-out 10% of train"
  double classifier_accuracy = 0.0;  // on `test`
  double chance = 0.0;               // 1 / classes
  // The classifier is trusted when its test accuracy is at least twice chance.
  bool meaningful() const { return classifier_accuracy >= 2.0 * chance; }
};

// Scans the dataset, builds/opens the spectrogram caches, loads or trains the classifier and
// embeds the real data. `class_names` (e.g. the checkpoint's) must equal the dataset's classes.
EvaluationReference prepare_reference(const FrontendConfig& frontend,
                                      const std::vector<std::string>& class_names,
                                      const ReferenceOptions& options,
                                      const EvaluationProgressCallback& progress = {});

}  // namespace audiogan::eval
