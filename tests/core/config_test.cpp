#include "core/config.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace audiogan {

TEST(Config, DefaultsAreValidAndMatchTheSeeds) {
  Config config;
  EXPECT_NO_THROW(config.validate());
  EXPECT_EQ(config.frontend.n_mels, 128);
  EXPECT_EQ(config.frontend.frames, 0);  // fitted to the data when training
  EXPECT_EQ(FrontendConfig().frames, 512);
  EXPECT_EQ(config.train.batch, 32);
  EXPECT_EQ(config.train.latent, 100);
  EXPECT_DOUBLE_EQ(config.frontend.resolved_f_max(), 11025.0);
}

TEST(Config, TomlRoundTripKeepsEverySetting) {
  Config config;
  config.frontend.n_mels = 64;
  config.frontend.mel_scale = "slaney";
  config.train.lr_d = 4e-4;
  config.train.arch = "seed";
  Config back = Config::from_toml_string(config.to_toml(), "test");
  EXPECT_EQ(back.frontend.to_string(), config.frontend.to_string());
  EXPECT_EQ(back.train.to_string(), config.train.to_string());
}

TEST(Config, UnknownKeyIsAnErrorNamingIt) {
  try {
    Config::from_toml_string("[train]\nepochz = 3\n", "my.toml");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("epochz"), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("my.toml"), std::string::npos);
  }
}

TEST(Config, WrongTypeAndOutOfRangeAreErrors) {
  EXPECT_THROW(Config::from_toml_string("[frontend]\nn_mels = \"many\"\n", "t"), ConfigError);
  Config config = Config::from_toml_string("[frontend]\nn_mels = 100000\n", "t");
  EXPECT_THROW(config.validate(), ConfigError);
  config.frontend.n_mels = 128;
  config.frontend.f_max = 20000;  // above Nyquist at 22050 Hz
  EXPECT_THROW(config.validate(), ConfigError);
}

TEST(Config, ClassBalanceIsOffByDefaultAndValidated) {
  TrainConfig config;
  EXPECT_EQ(config.balance, "none");
  config.balance = "classes";
  EXPECT_NO_THROW(config.validate());
  config.balance = "auto";
  EXPECT_THROW(config.validate(), ConfigError);
  EXPECT_EQ(Config::from_toml_string("[train]\nbalance = \"classes\"\n", "t").train.balance,
            "classes");
}

}  // namespace audiogan

namespace audiogan {

TEST(Config, EpochLimitIsTheSeedsWithoutATimeBudgetAndNoneWithOne) {
  TrainConfig t;
  EXPECT_EQ(t.epochs, 0);
  EXPECT_EQ(t.resolved_epochs(), kDefaultEpochs);
  t.time_budget_s = 1500;
  EXPECT_EQ(t.resolved_epochs(), 0);  // no limit
  t.epochs = 1000;                    // given explicitly: it applies
  EXPECT_EQ(t.resolved_epochs(), 1000);
  t.epochs = -1;
  EXPECT_THROW(t.validate(), ConfigError);
}

TEST(Config, WganGpTakesThePapersOptimiserUnlessTheConfigSetsOne) {
  TrainConfig t;
  t.loss = "wgan-gp";
  EXPECT_EQ(t.resolved_critic_steps(), 5);
  t.lr_d = 3e-4;  // set explicitly: kept
  t.apply_loss_defaults();
  EXPECT_EQ(t.lr_g, 1e-4);
  EXPECT_EQ(t.lr_d, 3e-4);
  EXPECT_EQ(t.beta1, 0.0);
  EXPECT_EQ(t.beta2, 0.9);
  EXPECT_NO_THROW(t.validate());
  TrainConfig hinge;
  hinge.loss = "hinge";
  hinge.apply_loss_defaults();
  EXPECT_EQ(hinge.lr_g, TrainConfig().lr_g);
  EXPECT_EQ(hinge.resolved_critic_steps(), 1);
  hinge.critic_steps = 101;
  EXPECT_THROW(hinge.validate(), ConfigError);
}

TEST(Config, AttentionIsACommaListOfHeights) {
  TrainConfig t;
  EXPECT_TRUE(t.attention_rows().empty());
  t.attention = "32,64";
  EXPECT_EQ(t.attention_rows(), (std::vector<int>{32, 64}));
  const auto back = Config::from_toml_string(Config{Config{}.frontend, t}.to_toml(), "t");
  EXPECT_EQ(back.train.attention, "32,64");
  for (const char* bad : {"32,", "x", "0", "3 2", "32;64"}) {
    t.attention = bad;
    try {
      t.validate();
      FAIL() << bad;
    } catch (const ConfigError& error) {
      EXPECT_NE(std::string(error.what()).find("--attention"), std::string::npos) << bad;
    }
  }
}

TEST(Config, SpectralNormIsOnForTheDefaultDUnlessTurnedOff) {
  TrainConfig t;
  EXPECT_TRUE(t.resolved_spectral_norm());
  t.spectral_norm = "off";
  EXPECT_FALSE(t.resolved_spectral_norm());
  const auto back = Config::from_toml_string(Config{Config{}.frontend, t}.to_toml(), "t");
  EXPECT_EQ(back.train.spectral_norm, "off");
  t.arch = "seed";
  t.spectral_norm = "auto";
  EXPECT_FALSE(t.resolved_spectral_norm());  // the seed D has none
  for (const char* bad : {"on", "yes"}) {
    t.spectral_norm = bad;
    try {
      t.validate();
      FAIL() << bad;
    } catch (const ConfigError& error) {
      EXPECT_NE(std::string(error.what()).find("--spectral-norm"), std::string::npos) << bad;
    }
  }
}

}  // namespace audiogan
