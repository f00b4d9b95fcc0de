// A training command's side of a torchrun launch (docs/training.md), shared by `train` and
// `train-vocoder`: the process group when torchrun's variables say this is one rank of many.
#pragma once

#include <memory>
#include <string>

#include "dist/process_group.h"

namespace audiogan::cli {

struct DataParallelSettings {
  std::string backend = "auto";  // --dist-backend
  double timeout_s = 300;        // --dist-timeout
  bool cuda = false;             // the training device is a GPU
  int batch = 1;                 // --batch: per process and micro-batch
  int accumulate = 1;            // --accumulate
};

// Null without torchrun's variables (or with WORLD_SIZE=1): one process, as without torchrun.
// Otherwise this rank's process group; rank 0 prints the launch's shape
// ("data-parallel: N processes, gloo, global batch G (--batch B x --accumulate K x N)").
// Throws DistError (naming MASTER_ADDR and MASTER_PORT) when the rendezvous fails.
std::unique_ptr<dist::ProcessGroup> connect_data_parallel(const dist::LaunchEnv& launch,
                                                          const DataParallelSettings& settings);

}  // namespace audiogan::cli
