// Training the vocoder on a few real drum hits: the mel loss falls, the run folder holds what
// the layout promises, a resumed run is bit-identical to an uninterrupted one, and resuming
// for another front end names both values.
#include "vocoder/vocoder_trainer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <numeric>

#include "../train/train_fixture.h"
#include "core/error.h"
#include "train/run_dir.h"
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

TEST(VocoderTrainer, ReconstructionStepsLowerTheMelLoss) {
  TinyRun tiny;
  REQUIRE_DRUMS(tiny);
  VocoderTrainerOptions options;
  options.config = tiny_config();
  options.config.vocoder.steps_per_epoch = 60;
  options.config.vocoder.epochs = 3;
  options.data_root = tiny.data();
  options.out_dir = tiny.run("voc");
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
  int wavs = 0;
  for (const auto& e : fs::directory_iterator(run.audio() + "/epoch_003"))
    wavs += e.is_regular_file();
  EXPECT_EQ(wavs, 4);  // two clips, original and vocoder
}

TEST(VocoderTrainer, ResumedRunIsBitIdenticalToAnUninterruptedOne) {
  TinyRun tiny;
  REQUIRE_DRUMS(tiny);
  VocoderTrainerOptions options;
  options.config = tiny_config();
  options.config.vocoder.steps_per_epoch = 3;
  options.config.vocoder.epochs = 100;
  options.data_root = tiny.data();
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

}  // namespace
}  // namespace audiogan
