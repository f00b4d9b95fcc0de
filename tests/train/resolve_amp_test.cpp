// resolve_amp, what --amp auto becomes: fp16 on CUDA, bf16 on a CPU with native bf16 (AVX512-BF16
// or AMX-BF16), else off; an explicit choice is kept as given.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "train/trainer.h"

namespace audiogan {
namespace {

// The CPU's feature flags as whole words (the trainer's own check looks for substrings).
std::set<std::string> cpu_flags() {
  std::ifstream in("/proc/cpuinfo");
  std::set<std::string> flags;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("flags", 0) != 0) continue;
    std::istringstream words(line.substr(line.find(':') + 1));
    for (std::string word; words >> word;) flags.insert(word);
    break;
  }
  return flags;
}

TEST(ResolveAmp, AutoFollowsTheDeviceAndTheCpusBf16Support) {
  const auto flags = cpu_flags();
  const bool native_bf16 = flags.count("avx512_bf16") > 0 || flags.count("amx_bf16") > 0;
  EXPECT_EQ(resolve_amp("auto", torch::Device(torch::kCPU)), native_bf16 ? "bf16" : "off")
      << (native_bf16 ? "this CPU has native bf16" : "this CPU has no native bf16");
  // Resolving needs no GPU: only the device's type is looked at.
  EXPECT_EQ(resolve_amp("auto", torch::Device(torch::kCUDA)), "fp16");
}

TEST(ResolveAmp, AnExplicitChoiceIsKept) {
  for (const std::string amp : {"off", "bf16", "fp16"}) {
    EXPECT_EQ(resolve_amp(amp, torch::Device(torch::kCPU)), amp);
    EXPECT_EQ(resolve_amp(amp, torch::Device(torch::kCUDA)), amp);
  }
}

}  // namespace
}  // namespace audiogan
