// Per-operator wall time through ATen's RecordFunction callbacks (see op_profile.h).
#include "perf/op_profile.h"

#include <ATen/record_function.h>

#include <algorithm>
#include <chrono>
#include <unordered_map>

namespace audiogan {
namespace {

using Clock = std::chrono::steady_clock;

struct Frame {
  std::string name;
  Clock::time_point start;
  double child_seconds = 0;
};

struct Recorder {
  std::vector<Frame> stack;
  std::unordered_map<std::string, OperatorTime> table;
};

// RecordFunction callbacks are plain function pointers: the state lives in a thread-local.
thread_local Recorder* active = nullptr;

std::unique_ptr<at::ObserverContext> on_start(const at::RecordFunction& function) {
  if (active) active->stack.push_back({function.name(), Clock::now(), 0.0});
  return nullptr;
}

void on_end(const at::RecordFunction& /*function*/, at::ObserverContext* /*context*/) {
  if (!active || active->stack.empty()) return;
  Frame frame = std::move(active->stack.back());
  active->stack.pop_back();
  const double seconds = std::chrono::duration<double>(Clock::now() - frame.start).count();
  OperatorTime& entry = active->table[frame.name];
  entry.name = frame.name;
  entry.calls += 1;
  entry.total_seconds += seconds;
  entry.self_seconds += seconds - frame.child_seconds;
  if (!active->stack.empty()) active->stack.back().child_seconds += seconds;
}

// Installs the callbacks over `recorder` for its lifetime, so a throwing `work` leaves none behind.
class Recording {
 public:
  explicit Recording(Recorder& recorder) {
    active = &recorder;
    handle_ = at::addThreadLocalCallback(at::RecordFunctionCallback(on_start, on_end));
  }
  ~Recording() {
    at::removeCallback(handle_);
    active = nullptr;
  }
  Recording(const Recording&) = delete;
  Recording& operator=(const Recording&) = delete;

 private:
  at::CallbackHandle handle_;
};

}  // namespace

OperatorProfile profile_operators(const std::function<void()>& work) {
  Recorder recorder;
  OperatorProfile profile;
  {
    const Recording recording(recorder);
    const auto start = Clock::now();
    work();
    profile.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  }
  for (auto& [name, entry] : recorder.table) profile.by_self.push_back(std::move(entry));
  std::sort(
      profile.by_self.begin(), profile.by_self.end(),
      [](const OperatorTime& a, const OperatorTime& b) { return a.self_seconds > b.self_seconds; });
  return profile;
}

}  // namespace audiogan
