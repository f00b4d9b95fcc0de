// The trainer's data-parallel side (see parallel_run.h).
#include "train/parallel_run.h"

#include <ATen/CPUGeneratorImpl.h>

namespace audiogan {
namespace {

uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace

ParallelRun::ParallelRun(dist::ProcessGroup* group, int accumulate, uint64_t seed,
                         torch::Device device)
    : group_(group), accumulate_(std::max(1, accumulate)), seed_(seed), device_(device) {
  if (group_ && group_->size() > 1) averager_ = std::make_unique<dist::GradientAverager>(*group_);
}

void ParallelRun::root_first(const std::string& what, const std::function<void()>& work) {
  const std::string key = "root/" + std::to_string(root_work_++) + "/" + what;
  if (!distributed()) return work();
  if (root()) {
    work();
    group_->mark_done(key);
  } else {
    group_->wait_done(key, kRootWorkTimeout);
    work();
  }
}

void ParallelRun::wait_for_root(const std::string& what) {
  const std::string key = "root/" + std::to_string(root_work_++) + "/" + what;
  if (!distributed()) return;
  if (root()) {
    group_->mark_done(key);
  } else {
    group_->wait_done(key, kRootWorkTimeout);
  }
}

void ParallelRun::broadcast_from_root(torch::nn::Module& module, const std::string& name) {
  if (distributed()) dist::broadcast_module(*group_, module, 0, name);
}

void ParallelRun::average_gradients(torch::nn::Module& module, const std::string& name) {
  if (distributed()) averager_->average(module, name);
}

void ParallelRun::attach(GanNets& nets, GeneratorBase* ema) {
  if (!distributed()) return;
  broadcast_from_root(*nets.g, "G");
  broadcast_from_root(*nets.d, "D");
  if (ema) broadcast_from_root(*ema, "the EMA of G");
  nets.sync_gradients = [this, g = nets.g.get()](torch::nn::Module& module) {
    average_gradients(module, &module == g ? "G" : "D");
  };
}

at::Generator ParallelRun::micro_batch_rng(int k, int64_t step, at::Generator& shard0) const {
  const uint64_t shard = static_cast<uint64_t>(first_shard() + k);
  if (shard == 0) return shard0;
  const uint64_t mixed =
      splitmix64(splitmix64(seed_ ^ splitmix64(shard)) ^ static_cast<uint64_t>(step));
  return at::make_generator<at::CPUGeneratorImpl>(mixed);
}

std::string ParallelRun::agree(const std::string& local, std::vector<double>& means) {
  if (!distributed()) return local;
  // [signal, time budget, means...]
  std::vector<double> values = {local == "signal" ? 1.0 : 0.0, local == "time_budget" ? 1.0 : 0.0};
  values.insert(values.end(), means.begin(), means.end());
  // On the training device: NCCL reduces only CUDA tensors.
  std::vector<torch::Tensor> tensor = {torch::tensor(values, torch::kDouble).to(device_)};
  group_->all_reduce_sum(tensor, "the stop flags and step statistics");
  const auto sums = tensor[0].cpu();
  const double* sum = sums.data_ptr<double>();
  for (size_t i = 0; i < means.size(); ++i) means[i] = sum[2 + i] / world();
  if (sum[0] > 0) return "signal";
  if (sum[1] > 0) return "time_budget";
  // Whatever else stops a run (epochs, max_steps) is the same on every rank.
  return local == "signal" || local == "time_budget" ? "" : local;
}

std::string ParallelRun::agree(const std::string& local, StepStats* stats) {
  std::vector<double> means;
  if (stats) {
    means = {stats->loss_d,
             stats->loss_g,
             stats->d_real,
             stats->d_fake,
             stats->gradient_penalty,
             stats->skipped ? 1.0 : 0.0,
             stats->non_finite ? 1.0 : 0.0};
  }
  const std::string reason = agree(local, means);
  if (stats && distributed()) {
    stats->loss_d = means[0], stats->loss_g = means[1], stats->d_real = means[2];
    stats->d_fake = means[3], stats->gradient_penalty = means[4];
    stats->skipped = means[5] > 0;
    stats->non_finite = means[6] > 0;  // so that every rank counts the same bad steps
  }
  return reason;
}

nlohmann::json ParallelRun::to_json(int batch) const {
  nlohmann::json json = {{"world_size", world()},
                         {"accumulate", accumulate_},
                         {"global_batch", static_cast<int64_t>(batch) * shards()},
                         {"backend", group_ ? group_->backend() : "none"}};
  if (averager_) {
    const auto& s = averager_->stats();
    json["allreduce_calls"] = s.calls;
    json["allreduce_buckets"] = s.buckets;
    json["allreduce_bytes"] = s.bytes;
    json["allreduce_seconds"] = s.seconds;
  }
  return json;
}

int64_t resume_step_in_epoch(int64_t steps_done, int64_t old_global_batch,
                             int64_t new_global_batch) {
  if (old_global_batch == new_global_batch || new_global_batch <= 0) return steps_done;
  const int64_t samples = steps_done * old_global_batch;
  return (samples + new_global_batch - 1) / new_global_batch;
}

std::string per_rank_batch_norm_warning(int batch, int shards) {
  if (shards <= 1 || batch >= kSmallestBatchNormBatch) return "";
  return "G's BatchNorm normalises over each micro-batch of --batch " + std::to_string(batch) +
         ", not the global batch of " + std::to_string(batch * shards) +
         " (per-rank statistics, as DDP without SyncBatchNorm); at 8 against 32 samples one of "
         "two measured seeds scored worse (docs/training.md): prefer --batch " +
         std::to_string(kSmallestBatchNormBatch) + " or more with fewer ranks or --accumulate";
}

}  // namespace audiogan
