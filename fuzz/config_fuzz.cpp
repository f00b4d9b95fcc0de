// Fuzzes the TOML config reader: parse, validate, and the round trip through to_toml that
// every run and checkpoint relies on. ConfigError is the documented rejection.
#include <cstdint>
#include <string>

#include "core/config.h"
#include "core/error.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using audiogan::Config;
  using audiogan::fuzz::require;
  const std::string text(reinterpret_cast<const char*>(data), size);
  Config config;
  try {
    config = Config::from_toml_string(text, "fuzz.toml");
    config.validate();
  } catch (const audiogan::ConfigError&) {
    return 0;  // a syntax error, an unknown key or a value out of range
  }
  // A valid config must read back as itself from what a run directory stores.
  const Config again = Config::from_toml_string(config.to_toml(), "saved.toml");
  again.validate();
  require(again.frontend.to_string() == config.frontend.to_string(), "[frontend] round trip");
  require(again.train.to_string() == config.train.to_string(), "[train] round trip");
  (void)config.train.attention_rows();
  (void)config.train.resolved_augment(/*train_clips=*/100);
  return 0;
}
