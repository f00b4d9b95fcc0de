// Decides which of the collapse monitor's per-epoch warnings a person is told. A condition that
// lasts (a young drum model's noise floor, say) would otherwise print the same line every epoch
// and bury the rest of the log; metrics.jsonl still records every epoch's warnings.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace audiogan {

class WarningThrottle {
 public:
  // A warning is told when its kind first appears, again every `repeat_every` epochs while it
  // lasts, and afresh once it has been absent for an epoch. repeat_every >= 1.
  explicit WarningThrottle(int repeat_every = 10);

  // The text to print for `warning` seen in `epoch` (epochs come in increasing order), or
  // nothing when it is a repeat to hold back. The kind is the text before the first ':' or '(',
  // where the figures begin.
  std::optional<std::string> tell(const std::string& warning, int epoch);

 private:
  struct Seen {
    int first = 0;  // first epoch of the current unbroken streak
    int last = 0;   // last epoch the kind was seen
    int told = 0;   // last epoch it was told
  };
  int repeat_every_;
  std::map<std::string, Seen> kinds_;
};

}  // namespace audiogan
