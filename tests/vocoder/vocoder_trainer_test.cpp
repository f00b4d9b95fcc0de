// Training the vocoder on a few real drum hits: the mel loss falls, the run folder holds what
// the layout promises, a resumed run is bit-identical to an uninterrupted one, and resuming
// for another front end names both values.
#include "vocoder/vocoder_trainer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <numeric>

#include "../train/train_fixture.h"
#include "core/error.h"
#include "train/run_dir.h"
#include "vocoder/hifigan.h"
#include "vocoder/vocoder_checkpoint.h"

namespace audiogan {
namespace {

namespace fs = std::filesystem;
using train_testing::TinyRun;

// A machine without the drum kits fails these tests, naming what is missing, rather than
// skipping them (as tests/train does).
#define REQUIRE_DRUMS(t) ASSERT_TRUE((t).make_dataset()) << TinyRun::missing_data_message()

// 16 kHz, n_fft 512, hop 128, 32 mels; a 2-block dim-64 model on 16-frame segments: a step is
// tens of milliseconds on one core.
VocoderRunConfig tiny_config() {
  VocoderRunConfig c;
  c.frontend.sample_rate = 16000;
  c.frontend.n_fft = 512;
  c.frontend.win_length = 512;
  c.frontend.hop_length = 128;
  c.frontend.n_mels = 32;
  c.vocoder.dim = 64;
  c.vocoder.intermediate = 192;
  c.vocoder.blocks = 2;
  c.vocoder.segment_frames = 16;
  c.vocoder.batch = 8;
  c.vocoder.lr = 2e-3;
  c.vocoder.max_clip_seconds = 1.0;
  c.vocoder.eval_clips = 2;
  c.vocoder.griffin_lim_iterations = 4;
  c.vocoder.device = "cpu";
  c.vocoder.threads = 1;
  c.vocoder.seed = 3;
  return c;
}

double mean(const std::vector<double>& v, size_t from, size_t count) {
  return std::accumulate(v.begin() + from, v.begin() + from + count, 0.0) / count;
}

// Options for training `config` on the tiny drum set into tiny.run(name), epochs of
// `steps_per_epoch` steps.
VocoderTrainerOptions tiny_options(const TinyRun& tiny, const VocoderRunConfig& config,
                                   const std::string& name, int steps_per_epoch, int epochs) {
  VocoderTrainerOptions options;
  options.config = config;
  options.config.vocoder.steps_per_epoch = steps_per_epoch;
  options.config.vocoder.epochs = epochs;
  options.data_root = tiny.data();
  options.out_dir = tiny.run(name);
  return options;
}

TEST(VocoderTrainer, ReconstructionStepsLowerTheMelLoss) {
  TinyRun tiny;
  REQUIRE_DRUMS(tiny);
  VocoderTrainerOptions options = tiny_options(tiny, tiny_config(), "voc", 60, 3);
  std::vector<double> mel;
  options.callbacks.on_step = [&](const VocoderStepEvent& e) { mel.push_back(e.mel_l1); };
  int epochs_seen = 0;
  options.callbacks.on_epoch = [&](const VocoderEpochEvent&) { ++epochs_seen; };
  const VocoderTrainResult result = train_vocoder(options);

  EXPECT_EQ(result.stopped_by, "epochs");
  EXPECT_EQ(result.step, 180);
  ASSERT_EQ(mel.size(), 180u);
  const double first = mean(mel, 0, 10), last = mean(mel, 170, 10);
  EXPECT_LT(last, 0.6 * first) << "mel L1 " << first << " -> " << last;

  EXPECT_EQ(epochs_seen, 3);
  const RunDir run{options.out_dir};
  const auto lines = read_json_lines(run.metrics());
  ASSERT_EQ(lines.size(), 3u);
  ASSERT_TRUE(lines.back().contains("eval"));
  EXPECT_FALSE(lines.back()["eval"]["held_out"].get<bool>());  // the tiny data has no test split
  EXPECT_TRUE(std::isfinite(lines.back()["eval"]["sc_db"].get<double>()));
  EXPECT_TRUE(std::isfinite(lines.back()["griffin_lim"]["lsd_db"].get<double>()));
  // The held-out measures improve as the loss falls.
  EXPECT_LT(lines.back()["eval"]["lsd_db"].get<double>(),
            lines.front()["eval"]["lsd_db"].get<double>());
  EXPECT_TRUE(fs::exists(run.last_checkpoint()));
  EXPECT_TRUE(fs::exists(run.config()));
  EXPECT_GT(fs::file_size(run.root + "/loss.png"), 1000u);
  EXPECT_GT(fs::file_size(run.root + "/quality.png"), 1000u);
  int wavs = 0;
  for (const auto& e : fs::directory_iterator(run.audio() + "/epoch_003"))
    wavs += e.is_regular_file();
  EXPECT_EQ(wavs, 4);  // two clips, original and vocoder
}

TEST(VocoderTrainer, ResumedRunIsBitIdenticalToAnUninterruptedOne) {
  TinyRun tiny;
  REQUIRE_DRUMS(tiny);
  VocoderTrainerOptions options = tiny_options(tiny, tiny_config(), "run", 3, 100);
  options.epoch_outputs = false;

  options.out_dir = tiny.run("straight");
  options.config.vocoder.max_steps = 8;
  train_vocoder(options);

  options.out_dir = tiny.run("resumed");
  options.config.vocoder.max_steps = 4;  // stops mid-epoch
  EXPECT_EQ(train_vocoder(options).stopped_by, "max_steps");
  options.config.vocoder.max_steps = 8;
  options.resume = true;
  EXPECT_EQ(train_vocoder(options).step, 8);

  const FrontendConfig f = options.config.frontend;
  VocoderCheckpointReader straight(tiny.run("straight")), resumed(tiny.run("resumed"));
  EXPECT_EQ(resumed.meta().step, 8);
  torch::Tensor mel = torch::rand({1, f.n_mels, 20}) * 4;
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(
      torch::equal(straight.load_model()->forward(mel, f), resumed.load_model()->forward(mel, f)));
}

TEST(VocoderTrainer, ResumingForAnotherFrontEndNamesBothValues) {
  TinyRun tiny;
  REQUIRE_DRUMS(tiny);
  VocoderTrainerOptions options;
  options.config = tiny_config();
  options.config.vocoder.max_steps = 1;
  options.data_root = tiny.data();
  options.out_dir = tiny.run("voc");
  options.epoch_outputs = false;
  train_vocoder(options);
  options.resume = true;
  options.config.vocoder.max_steps = 2;
  options.config.frontend.sample_rate = 22050;
  try {
    train_vocoder(options);
    FAIL() << "expected a DataError";
  } catch (const DataError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("sample_rate: vocoder 16000, data 22050"), std::string::npos) << message;
  }
}

// HiFi-GAN's recipe at its hop (256) with V3's generator at 32 channels on 4-frame segments, so
// a step with both discriminators takes a fraction of a second on one core.
VocoderRunConfig tiny_hifigan_config() {
  VocoderRunConfig c = tiny_config();
  const VocoderConfig small = c.vocoder;
  c.vocoder = VocoderConfig::for_arch("hifigan");
  c.vocoder.hifigan = "v3";
  c.vocoder.hifigan_channels = 32;
  c.vocoder.segment_frames = 4;
  c.vocoder.batch = 2;
  c.vocoder.max_clip_seconds = small.max_clip_seconds;
  c.vocoder.eval_clips = small.eval_clips;
  c.vocoder.griffin_lim_iterations = small.griffin_lim_iterations;
  c.vocoder.device = small.device;
  c.vocoder.threads = small.threads;
  c.vocoder.seed = small.seed;
  c.frontend.n_fft = 1024;
  c.frontend.win_length = 1024;
  c.frontend.hop_length = 256;
  return c;
}

// The output of the vocoder in `dir`'s checkpoint for a fixed input.
torch::Tensor vocoder_output(const std::string& dir, const FrontendConfig& f) {
  torch::manual_seed(0);
  torch::Tensor mel = torch::rand({1, f.n_mels, 12}) * 4;
  torch::NoGradGuard no_grad;
  return VocoderCheckpointReader(dir).load_model()->forward(mel, f);
}

TEST(VocoderTrainer, HifiGanTrainsWithItsRecipeAndLowersTheMelLoss) {
  TinyRun tiny;
  REQUIRE_DRUMS(tiny);
  VocoderTrainerOptions options = tiny_options(tiny, tiny_hifigan_config(), "hifigan", 12, 2);
  std::vector<VocoderStepEvent> steps;
  options.callbacks.on_step = [&](const VocoderStepEvent& e) { steps.push_back(e); };
  EXPECT_EQ(train_vocoder(options).step, 24);

  ASSERT_EQ(steps.size(), 24u);
  std::vector<double> mel;
  for (const auto& e : steps) {
    mel.push_back(e.mel_l1);
    // Adversarial from step 0 (the recipe's default): every step has all three terms.
    EXPECT_GT(e.discriminator, 0) << e.step;
    EXPECT_GT(e.adversarial, 0) << e.step;
    EXPECT_GT(e.feature_matching, 0) << e.step;
  }
  const double first = mean(mel, 0, 4), last = mean(mel, 20, 4);
  EXPECT_LT(last, 0.8 * first) << "mel L1 " << first << " -> " << last;

  const RunDir run{options.out_dir};
  const auto lines = read_json_lines(run.metrics());
  ASSERT_EQ(lines.size(), 2u);
  // lr 2e-4, then x 0.999 after the first epoch.
  EXPECT_DOUBLE_EQ(lines[0]["lr"].get<double>(), 2e-4);
  EXPECT_DOUBLE_EQ(lines[1]["lr"].get<double>(), 2e-4 * 0.999);
  EXPECT_TRUE(std::isfinite(lines[1]["discriminator_loss"].get<double>()));
  EXPECT_TRUE(std::isfinite(lines[1]["eval"]["lsd_db"].get<double>()));

  VocoderCheckpointReader reader(options.out_dir);
  EXPECT_EQ(reader.meta().config.vocoder.arch, "hifigan");
  EXPECT_EQ(reader.meta().config.vocoder.mel_weight, 45);
  const VocoderModel model = reader.load_model();
  EXPECT_EQ(model->arch(), "hifigan");
  HifiGanDiscriminator discriminator;
  torch::optim::AdamW optimizer(discriminator->parameters());
  EXPECT_NO_THROW(reader.load_adversary(*discriminator, optimizer));
}

TEST(VocoderTrainer, AdversarialTermsJoinAtTheirStepAndResumeBitIdentically) {
  TinyRun tiny;
  REQUIRE_DRUMS(tiny);
  VocoderTrainerOptions options;
  options.config = tiny_config();
  options.config.vocoder.adversarial = "on";
  options.config.vocoder.adversarial_from = 2;
  options.config.vocoder.lr_decay = 0.5;  // a schedule that the resumed run must continue
  options.config.vocoder.segment_frames = 8;
  options.config.vocoder.batch = 2;
  options.config.vocoder.steps_per_epoch = 3;
  options.config.vocoder.epochs = 100;
  options.data_root = tiny.data();
  options.epoch_outputs = false;

  options.out_dir = tiny.run("straight");
  options.config.vocoder.max_steps = 5;
  std::vector<VocoderStepEvent> steps;
  options.callbacks.on_step = [&](const VocoderStepEvent& e) { steps.push_back(e); };
  train_vocoder(options);
  ASSERT_EQ(steps.size(), 5u);
  for (const auto& e : steps) {
    if (e.step <= 2) {  // steps 0 and 1 (reported after them as 1 and 2)
      EXPECT_EQ(e.discriminator, 0) << e.step;
      EXPECT_EQ(e.feature_matching, 0) << e.step;
    } else {
      EXPECT_GT(e.discriminator, 0) << e.step;
      EXPECT_GT(e.feature_matching, 0) << e.step;
    }
  }
  options.callbacks = {};

  // Interrupted where the adversarial phase starts, and again inside it.
  options.out_dir = tiny.run("resumed");
  for (const int64_t stop : {2, 4, 5}) {
    options.config.vocoder.max_steps = stop;
    EXPECT_EQ(train_vocoder(options).step, stop);
    options.resume = true;
  }
  const FrontendConfig f = options.config.frontend;
  EXPECT_TRUE(torch::equal(vocoder_output(tiny.run("straight"), f),
                           vocoder_output(tiny.run("resumed"), f)));
  // The discriminators resumed too.
  HifiGanDiscriminator straight, resumed;
  torch::optim::AdamW a(straight->parameters()), b(resumed->parameters());
  VocoderCheckpointReader(tiny.run("straight")).load_adversary(*straight, a);
  VocoderCheckpointReader(tiny.run("resumed")).load_adversary(*resumed, b);
  const auto p = straight->parameters(), q = resumed->parameters();
  ASSERT_EQ(p.size(), q.size());
  for (size_t i = 0; i < p.size(); ++i) EXPECT_TRUE(torch::equal(p[i], q[i])) << i;
}

TEST(VocoderTrainer, Bfloat16AutocastTrainsAsFloat32Does) {
  TinyRun tiny;
  REQUIRE_DRUMS(tiny);
  VocoderTrainerOptions options = tiny_options(tiny, tiny_config(), "run", 40, 1);
  options.epoch_outputs = false;
  std::map<std::string, std::vector<double>> mel;
  for (const std::string amp : {"off", "bf16"}) {
    options.config.vocoder.amp = amp;
    options.out_dir = tiny.run(amp);
    options.callbacks.on_step = [&](const VocoderStepEvent& e) { mel[amp].push_back(e.mel_l1); };
    train_vocoder(options);
    ASSERT_EQ(mel[amp].size(), 40u) << amp;
    EXPECT_LT(mean(mel[amp], 35, 5), 0.8 * mean(mel[amp], 0, 5)) << amp;
  }
  // The same weights and data at step 1: the losses differ by bf16's rounding only.
  EXPECT_NEAR(mel["bf16"][0], mel["off"][0], 0.05 * mel["off"][0]);
  EXPECT_NE(mel["bf16"][0], mel["off"][0]);  // and bf16 did run
  VocoderCheckpointReader reader(options.out_dir);
  EXPECT_EQ(reader.meta().config.vocoder.amp, "bf16");
}

TEST(VocoderTrainer, AdversarialTermsCanBeTurnedOnWhenResuming) {
  TinyRun tiny;
  REQUIRE_DRUMS(tiny);
  VocoderTrainerOptions options;
  options.config = tiny_config();
  options.config.vocoder.segment_frames = 8;
  options.config.vocoder.batch = 2;
  options.config.vocoder.max_steps = 2;
  options.data_root = tiny.data();
  options.out_dir = tiny.run("voc");
  options.epoch_outputs = false;
  train_vocoder(options);
  EXPECT_FALSE(VocoderCheckpointReader(options.out_dir).has_adversary());

  options.resume = true;
  options.config.vocoder.adversarial = "on";
  options.config.vocoder.max_steps = 4;
  std::vector<std::string> notes;
  std::vector<double> discriminator;
  options.callbacks.on_status = [&](const std::string& s) { notes.push_back(s); };
  options.callbacks.on_step = [&](const VocoderStepEvent& e) {
    discriminator.push_back(e.discriminator);
  };
  EXPECT_EQ(train_vocoder(options).step, 4);
  ASSERT_EQ(discriminator.size(), 2u);
  EXPECT_GT(discriminator[0], 0);
  EXPECT_GT(discriminator[1], 0);
  bool told = false;
  for (const auto& note : notes) told = told || note.find("start untrained") != std::string::npos;
  EXPECT_TRUE(told);
  EXPECT_TRUE(VocoderCheckpointReader(options.out_dir).has_adversary());
}

}  // namespace
}  // namespace audiogan
