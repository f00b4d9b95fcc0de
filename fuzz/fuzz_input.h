// Helpers shared by the fuzz harnesses: the readers under test take a path, so each input is
// written to a file first.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace audiogan::fuzz {

// The fuzz input as a file named for this process (so parallel fuzzers do not share one),
// removed when the object goes.
class TempInput {
 public:
  TempInput(const uint8_t* data, size_t size, const std::string& suffix)
      : path_((std::filesystem::temp_directory_path() /
               ("audiogan-fuzz-" + std::to_string(::getpid()) + suffix))
                  .string()) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out.flush()) std::abort();  // the harness cannot test anything without its input
  }
  ~TempInput() { std::remove(path_.c_str()); }
  TempInput(const TempInput&) = delete;
  TempInput& operator=(const TempInput&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A property the harness checks failed: abort, so libFuzzer records the input as a crash.
inline void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "fuzz: property violated: %s\n", what);
    std::abort();
  }
}

}  // namespace audiogan::fuzz
