// TOML integers a field cannot hold are errors, never wrapped; doubles are written and keyed at
// full precision.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/config.h"
#include "core/error.h"

namespace audiogan {
namespace {

// The message of the ConfigError reading `toml` throws, or "" when it reads.
std::string read_error(const std::string& toml) {
  try {
    Config::from_toml_string(toml, "range.toml");
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

TEST(ConfigRange, IntegersOutOfTheFieldsRangeAreErrorsNotWrapped) {
  // 4294968320 = 2^32 + 1024 would wrap to a plausible n_fft of 1024.
  const std::string n_fft = read_error("[frontend]\nn_fft = 4294968320\n");
  EXPECT_NE(n_fft.find("n_fft"), std::string::npos) << n_fft;
  EXPECT_NE(n_fft.find("4294968320"), std::string::npos) << n_fft;
  EXPECT_NE(n_fft.find("range.toml"), std::string::npos) << n_fft;
  // -1 would wrap to 2^64 - 1 in the unsigned seed.
  const std::string seed = read_error("[train]\nseed = -1\n");
  EXPECT_NE(seed.find("seed"), std::string::npos) << seed;
  EXPECT_NE(seed.find("-1"), std::string::npos) << seed;
  EXPECT_NE(read_error("[frontend]\nframes = 2147483648\n"), "");
  EXPECT_NE(read_error("[train]\nbatch = -2147483649\n"), "");
}

TEST(ConfigRange, AFloatWhereAnIntegerBelongsIsAnError) {
  // Found by fuzz/config_fuzz.cpp: converting a float this large to an integer is undefined
  // behaviour; a float in an integer field is refused before any conversion.
  const std::string huge = read_error("[train]\nepochs = 7.8e100\n");
  EXPECT_NE(huge.find("epochs"), std::string::npos) << huge;
  EXPECT_NE(huge.find("an integer"), std::string::npos) << huge;
  EXPECT_NE(read_error("[train]\nbatch = 32.0\n"), "");
  EXPECT_NE(read_error("[frontend]\nn_mels = nan\n"), "");
}

TEST(ConfigRange, EveryValueTheFieldHoldsIsRead) {
  const Config config = Config::from_toml_string(
      "[train]\nseed = 9223372036854775807\nmax_steps = 9223372036854775807\nepochs = "
      "2147483647\n[frontend]\nn_fft = 4096\n",
      "edges.toml");
  EXPECT_EQ(config.train.seed, 9223372036854775807ull);
  EXPECT_EQ(config.train.max_steps, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(config.train.epochs, std::numeric_limits<int>::max());
  EXPECT_EQ(config.frontend.n_fft, 4096);
}

TEST(ConfigRange, DoublesRoundTripExactlyThroughToml) {
  Config config;
  config.train.lr_g = 0.1 + 0.2;  // 0.30000000000000004
  config.train.lr_d = 1.0 / 3.0;
  config.train.ema_decay = std::nextafter(0.999, 1.0);
  config.frontend.f_min = 20.000000000000004;
  config.frontend.f_max = 7999.999999999999;
  const Config back = Config::from_toml_string(config.to_toml(), "exact.toml");
  EXPECT_EQ(back.train.lr_g, config.train.lr_g);
  EXPECT_EQ(back.train.lr_d, config.train.lr_d);
  EXPECT_EQ(back.train.ema_decay, config.train.ema_decay);
  EXPECT_EQ(back.frontend.f_min, config.frontend.f_min);
  EXPECT_EQ(back.frontend.f_max, config.frontend.f_max);
}

TEST(ConfigRange, TheCacheKeyTellsFrontEndsApartPastTheSixthDigit) {
  FrontendConfig a;
  FrontendConfig b = a;
  b.f_max = std::nextafter(8000.0, 9000.0);
  a.f_max = 8000.0;
  // to_string() keys the spectrogram cache: equal strings must mean equal spectrograms.
  EXPECT_NE(a.to_string(), b.to_string());
  FrontendConfig c = a;
  c.f_min = 20.0000001;
  EXPECT_NE(a.to_string(), c.to_string());
  // Values people use print as they always did, so existing caches keep their keys.
  EXPECT_NE(a.to_string().find("f_min=0 f_max=8000 "), std::string::npos) << a.to_string();
}

}  // namespace
}  // namespace audiogan
