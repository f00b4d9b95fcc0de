// Preparing the real side of an evaluation.
#include "eval/reference.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/hash.h"
#include "data/dataset.h"
#include "data/spectrogram_cache.h"
#include "eval/sound_length.h"

namespace audiogan::eval {
namespace {

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

RealSplit split_of(const SpectrogramCache& cache, const torch::Tensor& mask) {
  const torch::Tensor index = mask.nonzero().squeeze(1);  // [n]
  RealSplit split;
  split.spectrograms = cache.spectrograms().index_select(0, index);
  split.labels = cache.labels().index_select(0, index);
  const int64_t* idx = index.data_ptr<int64_t>();
  for (int64_t i = 0; i < index.numel(); ++i) split.paths.push_back(cache.path(idx[i]));
  return split;
}

SpectrogramCache build_cache(const Dataset& dataset, const FrontendConfig& frontend,
                             const ReferenceOptions& options, const std::string& stage,
                             const EvaluationProgressCallback& progress) {
  CacheBuildReport report;
  return SpectrogramCache::build(
      dataset, frontend, options.cache_dir, options.threads,
      [&](const CacheProgress& p) {
        if (progress) progress({stage, p.done, p.total, p.current_path});
      },
      &report);
}

}  // namespace

EvaluationReference prepare_reference(const FrontendConfig& frontend,
                                      const std::vector<std::string>& class_names,
                                      const ReferenceOptions& options,
                                      const EvaluationProgressCallback& progress) {
  EvaluationReference ref;
  ref.frontend = frontend;
  // The split is checked first, so a mistyped --split fails before any cache is built.
  const std::string& split = options.test_split;
  if (split.empty() || split == "train") {
    throw ConfigError("evaluate: --split '" + split +
                      "': expected a split other than train, which the classifier learns from");
  }
  const bool has_test = has_split(options.data_root, split);
  if (!has_test && split != "test") {
    throw ConfigError("evaluate: --split " + split + ": " +
                      (std::filesystem::path(options.data_root) / split).string() +
                      " is not a folder; expected <data>/" + split + "/<class>/<audio files>");
  }
  const Dataset train_set = scan_dataset(options.data_root, "train");
  if (!class_names.empty() && train_set.class_names != class_names) {
    throw DataError("evaluate: the classes of " + train_set.split_dir + " (" +
                    join(train_set.class_names) + ") differ from the checkpoint's (" +
                    join(class_names) + ")");
  }
  ref.class_names = train_set.class_names;
  const int num_classes = static_cast<int>(ref.class_names.size());
  if (num_classes < 2) {
    throw DataError("evaluate: needs at least 2 classes to train a classifier, " +
                    train_set.split_dir + " has " + std::to_string(num_classes));
  }
  ref.chance = 1.0 / num_classes;
  const SpectrogramCache train_cache =
      build_cache(train_set, frontend, options, "cache train", progress);

  torch::Tensor train_mask = torch::ones({train_cache.size()}, torch::kBool);
  if (has_test) {
    const Dataset test_set = scan_dataset(options.data_root, split, ref.class_names);
    const SpectrogramCache test_cache =
        build_cache(test_set, frontend, options, "cache " + split, progress);
    ref.test = split_of(test_cache, torch::ones({test_cache.size()}, torch::kBool));
    ref.test_source = split;
  } else {
    const torch::Tensor held = held_out_mask(train_cache.labels(), num_classes);
    train_mask = held.logical_not();
    ref.test = split_of(train_cache, held);
    ref.test_source = "held-out 10% of train";
  }
  ref.train = split_of(train_cache, train_mask);
  // Whole files, not the cache's spectrograms: those are cut to the model's frame count, which
  // would hide the very lengths a fixed-length model cannot reach.
  ref.test.sound_frames =
      file_sound_frames(ref.test.paths, frontend, [&](int64_t done, int64_t total) {
        if (progress) progress({"sound lengths", done, total, ""});
      });

  // The classifier's cache key: every training file (path, size, mtime), the held-out choice,
  // the front end and the training settings. Any named split keys as "test": the classifier
  // learns from the same train files whichever split it is scored on, so val and test share it.
  std::string key_text = frontend.to_string() + "\n" + options.classifier.to_string() + "\n" +
                         (has_test ? std::string("test") : ref.test_source) + "\n";
  for (const auto& f : train_set.files) {
    key_text += f.path + "|" + std::to_string(f.size) + "|" + std::to_string(f.mtime_ns) + "\n";
  }
  const std::string cache_dir =
      options.cache_dir.empty() ? SpectrogramCache::default_dir(train_set) : options.cache_dir;
  ref.classifier_path =
      (std::filesystem::path(cache_dir) / ("classifier-" + fnv1a64_hex(key_text) + ".pt")).string();
  ref.classifier = load_classifier(ref.classifier_path);
  ref.classifier_reused = !ref.classifier.is_empty();
  if (!ref.classifier_reused) {
    ref.classifier =
        train_classifier(ref.train.spectrograms, ref.train.labels, num_classes, options.classifier,
                         [&](const ClassifierTrainingProgress& p) {
                           if (progress) {
                             progress({"classifier", p.epoch, p.epochs,
                                       "loss " + std::to_string(p.loss) + ", train accuracy " +
                                           std::to_string(p.train_accuracy)});
                           }
                         });
  }
  if (progress) progress({"embed real", 0, 2, ""});
  ref.train.classified = classify(ref.classifier, ref.train.spectrograms);
  ref.test.classified = classify(ref.classifier, ref.test.spectrograms);
  ref.classifier_accuracy = ref.test.labels.numel() > 0
                                ? (ref.test.classified.predicted == ref.test.labels)
                                      .to(torch::kFloat64)
                                      .mean()
                                      .item<double>()
                                : 0.0;
  if (!ref.classifier_reused) {
    nlohmann::json meta = {{"classes", ref.class_names},
                           {"frontend", frontend.to_string()},
                           {"training", options.classifier.to_string()},
                           {"test_source", ref.test_source},
                           {"test_accuracy", ref.classifier_accuracy}};
    save_classifier(ref.classifier, ref.classifier_path, meta.dump());
  }
  if (progress) progress({"embed real", 2, 2, ""});
  return ref;
}

}  // namespace audiogan::eval
