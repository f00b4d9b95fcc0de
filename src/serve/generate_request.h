// The body of POST /api/generate, parsed and validated before any model is touched.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace audiogan::serve {

// A request the client must fix: becomes a 4xx response with {"error": message}.
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

struct GenerateRequest {
  static constexpr int kMaxCount = 16;
  static constexpr double kMaxTruncation = 10.0;
  // Random seeds stay below 2^53 so JavaScript numbers carry them exactly.
  static constexpr uint64_t kMaxRandomSeed = (1ull << 53) - 1;

  std::string run;               // required
  std::string checkpoint;        // optional; empty = the run's newest ("last.pt" first)
  std::string class_name;        // required: a class name or its decimal index
  int count = 1;                 // [1, 16]
  std::optional<uint64_t> seed;  // optional; absent or null = random
  // [0, 10]; 0 = no truncation; absent or null = the model's default
  // (Sampler::default_truncation).
  std::optional<double> truncation;
  // (0, 600]: the clip's length for a model trained with --lengths variable; absent or null =
  // drawn from the class's training lengths.
  std::optional<double> seconds;
  static constexpr double kMaxSeconds = 600.0;

  // Throws HttpError(400) naming the field, what was expected and what was found.
  static GenerateRequest parse(const std::string& body);
};

}  // namespace audiogan::serve
