// The trainers' data-parallel side (docs/training.md), shared by `train` (the GAN) and
// `train-vocoder`: this process is rank r of WORLD_SIZE, each optimiser step averages the
// gradients of WORLD_SIZE x accumulate micro-batches ("shards" v = r x accumulate + k), and one
// process with --accumulate K computes what K ranks would. Without a process group (one process)
// every collective is a no-op.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <torch/torch.h>

#include "dist/data_parallel.h"
#include "train/gan_step.h"

namespace audiogan {

class ParallelRun {
 public:
  // `group` may be null (one process); it must outlive this object.
  ParallelRun(dist::ProcessGroup* group, int accumulate, uint64_t seed, torch::Device device);

  int rank() const { return group_ ? group_->rank() : 0; }
  int world() const { return group_ ? group_->size() : 1; }
  int accumulate() const { return accumulate_; }
  bool root() const { return rank() == 0; }
  bool distributed() const { return world() > 1; }
  int shards() const { return world() * accumulate_; }  // micro-batches per optimiser step
  int first_shard() const { return rank() * accumulate_; }

  // Rank 0 runs `work` first and the others after it has finished (e.g. building the
  // spectrogram cache, which they then reuse instead of writing the same files at once).
  void root_first(const std::string& what, const std::function<void()>& work);
  // After work only rank 0 does (epoch outputs, evaluation: possibly longer than
  // --dist-timeout): rank 0 says it is done, the others wait for that, up to kRootWorkTimeout.
  void wait_for_root(const std::string& what);

  // Every rank starts from rank 0's weights and buffers of `module` (`name` in errors).
  void broadcast_from_root(torch::nn::Module& module, const std::string& name);
  // After the backward of a step, before its optimiser step: the gradients of `module` become
  // their mean over the ranks (buckets of dist::GradientAverager).
  void average_gradients(torch::nn::Module& module, const std::string& name);
  // The GAN's nets: G, D and the EMA from rank 0; afterwards `nets` averages its gradients
  // across ranks after each backward.
  void attach(GanNets& nets, GeneratorBase* ema);

  // The generator for local micro-batch k of optimiser step `step` (0-based, before it runs).
  // Shard 0 is `shard0`, the run's checkpointed stream, so a one-process run draws exactly
  // what it always has; shard v > 0 draws from a stream seeded by (seed, v, step), so its
  // latents and augmentation are reproducible, resume exactly at any world size, and K
  // micro-batches on one process draw what K ranks draw.
  at::Generator micro_batch_rng(int k, int64_t step, at::Generator& shard0) const;

  // The stop reason all ranks agree on ("signal" or "time_budget" when any rank has it, else
  // `local` on every rank, which is deterministic otherwise), and each of `means` replaced by
  // its mean over the ranks, in one collective. Every rank passes as many values.
  std::string agree(const std::string& local, std::vector<double>& means);
  // The same with the GAN's step statistics (when given): the losses and D's outputs averaged,
  // `skipped` and `non_finite` set on every rank when set on any.
  std::string agree(const std::string& local, StepStats* stats);

  // For the run's metrics line and the checkpoint: world size, accumulate, global batch,
  // gradient all-reduce bytes and seconds so far.
  nlohmann::json to_json(int batch) const;

  // How long ranks wait for rank 0's local work (root_first, wait_for_root).
  static constexpr std::chrono::hours kRootWorkTimeout{6};

 private:
  dist::ProcessGroup* group_;
  int accumulate_;
  uint64_t seed_;
  torch::Device device_;
  std::unique_ptr<dist::GradientAverager> averager_;
  int64_t root_work_ = 0;  // root_first/wait_for_root calls so far: each has its own key
};

// The step at which a run that stopped after `steps_done` steps of an epoch at `old_global_batch`
// samples per step resumes at `new_global_batch`: the first step none of whose samples it has
// taken, so no sample is seen twice in the epoch (at most one new step's worth is skipped).
int64_t resume_step_in_epoch(int64_t steps_done, int64_t old_global_batch,
                             int64_t new_global_batch);

// G's BatchNorm normalises over each micro-batch (per rank and per --accumulate share), not the
// global batch. Below this many samples per micro-batch a run is told so: at 8 against 32 one
// of two measured seeds scored worse (docs/training.md, "BatchNorm and spectral norm").
constexpr int kSmallestBatchNormBatch = 16;

// The warning for a run of `shards` micro-batches per step (ranks x accumulate) of `batch`
// samples each whose BatchNorm statistics come from too few samples; "" when there is none.
std::string per_rank_batch_norm_warning(int batch, int shards);

}  // namespace audiogan
