// The process group of a torchrun launch (see data_parallel_launch.h).
#include "cli/data_parallel_launch.h"

#include <cstdio>

namespace audiogan::cli {

std::unique_ptr<dist::ProcessGroup> connect_data_parallel(const dist::LaunchEnv& launch,
                                                          const DataParallelSettings& settings) {
  if (!launch.distributed()) return nullptr;
  dist::ProcessGroupOptions options;
  options.backend = settings.backend;
  options.timeout_s = settings.timeout_s;
  options.cuda = settings.cuda;
  auto group = dist::ProcessGroup::connect(launch, options);
  if (launch.rank == 0) {
    std::printf(
        "data-parallel: %d processes, %s, global batch %d (--batch %d x --accumulate %d x %d)\n",
        launch.world_size, group->backend().c_str(),
        settings.batch * settings.accumulate * launch.world_size, settings.batch,
        settings.accumulate, launch.world_size);
    std::fflush(stdout);
  }
  return group;
}

}  // namespace audiogan::cli
