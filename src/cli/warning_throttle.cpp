// Streaks of the same warning kind, told at their start and then every few epochs.
#include "cli/warning_throttle.h"

#include <algorithm>

namespace audiogan {

WarningThrottle::WarningThrottle(int repeat_every) : repeat_every_(std::max(repeat_every, 1)) {}

std::optional<std::string> WarningThrottle::tell(const std::string& warning, int epoch) {
  const std::string kind = warning.substr(0, warning.find_first_of(":("));
  auto found = kinds_.find(kind);
  if (found == kinds_.end() || found->second.last < epoch - 1) {
    kinds_[kind] = Seen{epoch, epoch, epoch};
    return warning;
  }
  Seen& seen = found->second;
  seen.last = epoch;
  if (epoch - seen.told < repeat_every_) return std::nullopt;
  seen.told = epoch;
  return warning + " (every epoch since epoch " + std::to_string(seen.first) + ")";
}

}  // namespace audiogan
