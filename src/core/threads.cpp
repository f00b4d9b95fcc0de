// Thread configuration shared by every command.
#include "core/threads.h"

#include <thread>

namespace audiogan {

int configure_threads(int threads) {
  int count = threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency());
  if (count < 1) count = 1;
  at::set_num_threads(count);
  return count;
}

}  // namespace audiogan
