// Training the evaluation classifier on real log-mels, predicting with it, and caching it per
// dataset and front end so it is trained once.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "model/classifier.h"

namespace audiogan::eval {

struct ClassifierTrainingOptions {
  ClassifierOptions model;     // num_classes and n_mels are taken from the data
  int epochs = 12;             // passes over the data, [1, inf)
  int min_steps = 200;         // at least this many optimiser steps (small datasets), [0, inf)
  int batch = 32;              // [1, inf)
  double lr = 2e-3;            // Adam
  double weight_decay = 1e-4;  // decoupled from nothing: plain L2 in Adam
  bool augment = true;         // random time shift and gain
  int max_shift_frames = 6;    // time shift in frames, [0, frames)
  double gain_db = 6.0;        // gain drawn uniformly in [-gain_db, gain_db] dB
  uint64_t seed = 0;           // training is deterministic given the seed

  void validate() const;
  // Every setting that changes the trained weights (the cache key includes it).
  std::string to_string() const;
};

struct ClassifierTrainingProgress {
  int epoch = 0;  // 1-based
  int epochs = 0;
  double loss = 0.0;            // mean cross-entropy of the epoch
  double train_accuracy = 0.0;  // on the augmented batches of the epoch
};
using ClassifierProgressCallback = std::function<void(const ClassifierTrainingProgress&)>;

// spectrograms [N, n_mels, frames] log1p (any floating dtype; the cache's fp16 view is fine),
// labels [N] int64 in [0, num_classes). Runs on the CPU.
SpectrogramClassifier train_classifier(const torch::Tensor& spectrograms,
                                       const torch::Tensor& labels, int num_classes,
                                       const ClassifierTrainingOptions& options,
                                       const ClassifierProgressCallback& progress = {});

struct Classification {
  torch::Tensor embeddings;     // [N, embedding] float32
  torch::Tensor probabilities;  // [N, C] float32
  torch::Tensor predicted;      // [N] int64
};

// Eval-mode predictions for spectrograms [N, n_mels, frames] in batches of `batch` (the holder
// is a shared handle: passing it by value shares the weights).
Classification classify(SpectrogramClassifier model, const torch::Tensor& spectrograms,
                        int batch = 64);

// A deterministic ~10% of each class (at least one item of every class with two or more),
// spread evenly over the class's items in their given order: labels [N] -> mask [N] bool.
torch::Tensor held_out_mask(const torch::Tensor& labels, int num_classes);

// A classifier loaded from `path` (weights) and `path` + ".json" (options), or nullopt-like
// empty holder when either is missing or unreadable.
SpectrogramClassifier load_classifier(const std::string& path);
void save_classifier(SpectrogramClassifier& model, const std::string& path,
                     const std::string& metadata_json);

}  // namespace audiogan::eval
