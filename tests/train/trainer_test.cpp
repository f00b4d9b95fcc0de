// Few-step training runs on a tiny real drum subset: outputs, resume identity, stop flag,
// mismatching front end, bf16 autocast, and sampling from the checkpoint and its export.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "data/dataset.h"
#include "data/frame_fit.h"
#include "infer/sampler.h"
#include "model/gan_models.h"
#include "train/checkpoint.h"
#include "train/export.h"
#include "train/run_dir.h"
#include "train/trainer.h"
#include "train_fixture.h"

namespace audiogan {
namespace {

namespace fs = std::filesystem;
using train_testing::TinyRun;

std::string head(const std::string& path, size_t n) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes(n, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(n));
  return bytes.substr(0, static_cast<size_t>(in.gcount()));
}

TrainerOptions options_for(const TinyRun& t, const Config& config, const std::string& run) {
  TrainerOptions o;
  o.config = config;
  o.data_root = t.data();
  o.cache_dir = t.cache();
  o.run_dir = run;
  o.monitor_per_class = 2;
  o.griffin_lim_iterations = 2;
  return o;
}

// Every parameter and buffer of one module in a checkpoint, flattened in order.
torch::Tensor weights(const std::string& checkpoint, const std::string& key) {
  CheckpointReader reader(checkpoint);
  auto g = make_generator(reader.meta().spec);
  std::shared_ptr<torch::nn::Module> module = g;
  if (key == "discriminator") module = make_discriminator(reader.meta().spec);
  reader.load_module(key, *module);
  std::vector<torch::Tensor> parts;
  for (const auto& p : module->parameters()) parts.push_back(p.detach().flatten());
  for (const auto& b : module->buffers()) parts.push_back(b.detach().flatten().to(torch::kFloat));
  return torch::cat(parts);
}

// Fails (never skips) without the drum kits: no training coverage must not look green.
#define REQUIRE_DRUMS(t) ASSERT_TRUE((t).make_dataset()) << TinyRun::missing_data_message()

TEST(Trainer, FewStepRunWritesEveryOutputFile) {
  TinyRun t;
  REQUIRE_DRUMS(t);
  auto o = options_for(t, TinyRun::small_config("seed"), t.run());
  int steps = 0, epochs = 0;
  o.callbacks.on_step = [&](const StepEvent& e) {
    ++steps;
    EXPECT_TRUE(std::isfinite(e.loss_g) && std::isfinite(e.loss_d));
  };
  o.callbacks.on_epoch = [&](const EpochEvent&) { ++epochs; };
  const TrainResult result = train(o);
  EXPECT_EQ(result.stopped_by, "epochs");
  EXPECT_EQ(result.epochs_done, 2);
  EXPECT_EQ(epochs, 2);
  EXPECT_EQ(steps, result.step);
  const RunDir run{t.run()};
  const auto lines = read_json_lines(run.metrics());
  ASSERT_EQ(lines.size(), 2u);
  for (const auto& line : lines) {
    EXPECT_TRUE(std::isfinite(line.at("loss_g").get<double>()));
    EXPECT_TRUE(std::isfinite(line.at("loss_d").get<double>()));
    EXPECT_TRUE(line.at("monitor").contains("fake"));
    EXPECT_GT(line.at("samples_per_s").get<double>(), 0.0);
  }
  const std::string png = "\x89PNG";
  for (const auto& path : {run.plot(1), run.plot(2), run.loss_plot()}) {
    EXPECT_EQ(head(path, 4), png) << path;
  }
  for (const auto& cls : {"kick", "snare"}) {
    EXPECT_EQ(head(run.audio_clip(cls, 2), 4), "RIFF") << cls;
  }
  EXPECT_NO_THROW(Config::from_toml_file(run.config()));
  EXPECT_TRUE(is_checkpoint_file(run.last_checkpoint()));
  EXPECT_TRUE(fs::exists(run.epoch_checkpoint(1)));
  EXPECT_TRUE(fs::exists(run.epoch_checkpoint(2)));
}

TEST(Trainer, FramesZeroFitsTheFrameCountToTheDrumHits) {
  TinyRun t;
  REQUIRE_DRUMS(t);
  Config config = TinyRun::small_config("default");
  config.frontend.frames = 0;
  config.train.max_steps = 1;
  auto o = options_for(t, config, t.run());
  train(o);
  const CheckpointReader reader(RunDir{t.run()}.last_checkpoint());
  const int frames = reader.meta().spec.frames;
  // Drum hits ring for well under 512 frames of 16 ms; the fit is a multiple of 16 in [32, 512).
  EXPECT_EQ(frames % 16, 0);
  EXPECT_GE(frames, 32);
  EXPECT_LT(frames, 512);
  EXPECT_EQ(Config::from_toml_file(RunDir{t.run()}.config()).frontend.frames, frames);
}

// "auto" is resolved from the data before training and recorded so: a tiny drum set is small
// enough to augment D's inputs, and a resume keeps the recorded policy.
TEST(Trainer, AutoAugmentationIsResolvedFromTheDataAndRecorded) {
  TinyRun t;
  REQUIRE_DRUMS(t);
  Config config = TinyRun::small_config("default");
  config.train.max_steps = 1;
  train(options_for(t, config, t.run()));
  const RunDir run{t.run()};
  EXPECT_EQ(Config::from_toml_file(run.config()).train.augment, "translation,cutout");
  auto info = read_resume_info(t.run());
  EXPECT_EQ(info.config.train.augment, "translation,cutout");
  info.config.train.max_steps = 2;
  auto resumed = options_for(t, info.config, t.run());
  resumed.resume = true;
  EXPECT_EQ(train(resumed).step, 2);
  EXPECT_EQ(Config::from_toml_file(run.config()).train.augment, "translation,cutout");
}

// --balance classes on 4 kicks and 2 snares: an epoch keeps floor(6 / 2) = 3 entries of each
// class (the snares repeat), the setting is recorded, and a resume keeps it.
TEST(Trainer, ClassBalancedTrainingRunsAndIsRecorded) {
  TinyRun t;
  REQUIRE_DRUMS(t);
  fs::remove(t.data() + "/snare/2.flac");
  fs::remove(t.data() + "/snare/3.flac");
  Config config = TinyRun::small_config("default");
  config.train.balance = "classes";
  config.train.epochs = 1;
  config.train.batch = 3;
  EXPECT_EQ(train(options_for(t, config, t.run())).step, 2);  // two batches of 3
  auto info = read_resume_info(t.run());
  EXPECT_EQ(info.config.train.balance, "classes");
  info.config.train.epochs = 2;
  auto resumed = options_for(t, info.config, t.run());
  resumed.resume = true;
  EXPECT_EQ(train(resumed).step, 4);
  EXPECT_EQ(Config::from_toml_file(RunDir{t.run()}.config()).train.balance, "classes");
}

// Ten epochs of a tiny run; returns the collapse monitor's last metrics line and collects the
// warnings of the last epoch.
nlohmann::json last_monitor(const TinyRun& t, const Config& config, const std::string& name,
                            std::vector<std::string>* last_epoch_warnings) {
  auto o = options_for(t, config, t.run(name));
  o.epoch_outputs = true;
  o.callbacks.on_warning = [&](const std::string& w) {
    if (w.rfind("epoch 10: generator output", 0) == 0) last_epoch_warnings->push_back(w);
  };
  train(o);
  const auto lines = read_json_lines(RunDir{t.run(name)}.metrics());
  EXPECT_EQ(lines.size(), 10u);
  return lines.back().at("monitor");
}

TEST(Trainer, WarnsOfCollapseInADeliberatelyBrokenRunAndNotInAHealthyOne) {
  TinyRun t;
  REQUIRE_DRUMS(t);
  Config config = TinyRun::small_config("default");
  config.train.epochs = 10;
  config.train.ema_decay = 0.0;
  std::vector<std::string> healthy_warnings, broken_warnings;
  const auto healthy = last_monitor(t, config, "healthy", &healthy_warnings);
  // No collapse warning. (A 10-epoch model of width 2 does fill the data's silences, which the
  // monitor rightly reports; that warning is left out here.)
  auto collapse = [](const std::vector<std::string>& warnings) {
    int n = 0;
    for (const auto& w : warnings) n += w.find("silences") == std::string::npos;
    return n;
  };
  EXPECT_EQ(collapse(healthy_warnings), 0) << healthy.dump();
  EXPECT_EQ(collapse(healthy.at("warnings").get<std::vector<std::string>>()), 0);
  // Broken on purpose: D barely learns (lr 1e-9) while G takes huge steps, so G runs its tanh
  // into saturation and emits one extreme spectrogram whatever the latent, while the losses
  // stay finite numbers.
  // The mode-seeking term is off: it would push G's outputs apart and hide the collapse.
  config.train.lr_d = 1e-9;
  config.train.lr_g = 0.5;
  config.train.beta1 = 0.0;
  config.train.mode_seeking = 0.0;
  const auto broken = last_monitor(t, config, "broken", &broken_warnings);
  EXPECT_GT(collapse(broken_warnings), 0) << broken.dump();
  // The same warnings are in metrics.jsonl for later reading.
  EXPECT_GT(collapse(broken.at("warnings").get<std::vector<std::string>>()), 0);
}

// Steps 1-3, a resume, then the rest, against one straight run of the same config: the same
// weights, bit for bit.
void expect_resume_matches_straight_run(TinyRun& t, Config config) {
  auto straight = options_for(t, config, t.run("straight"));
  straight.epoch_outputs = false;
  train(straight);

  config.train.max_steps = 3;  // past the end of epoch 1, into the middle of epoch 2
  auto first = options_for(t, config, t.run("split"));
  first.epoch_outputs = false;
  const TrainResult part = train(first);
  ASSERT_EQ(part.stopped_by, "max_steps");
  ASSERT_EQ(part.step, 3);
  auto info = read_resume_info(t.run("split"));
  info.config.train.max_steps = 0;
  auto second = options_for(t, info.config, t.run("split"));
  second.resume = true;
  second.epoch_outputs = false;
  const TrainResult rest = train(second);
  EXPECT_EQ(rest.step, 4);

  const auto a = RunDir{t.run("straight")}.last_checkpoint();
  const auto b = RunDir{t.run("split")}.last_checkpoint();
  for (const char* key : {"generator", "discriminator", "ema_generator"}) {
    EXPECT_TRUE(torch::equal(weights(a, key), weights(b, key))) << key;
  }
}

TEST(Trainer, StepsThenResumeGiveTheSameWeightsAsAStraightRun) {
  TinyRun t;
  REQUIRE_DRUMS(t);
  expect_resume_matches_straight_run(t, TinyRun::small_config("seed"));
}

// D's augmentation draws random shifts and cutouts every step; a resume must draw the same.
TEST(Trainer, ResumeWithAugmentationGivesTheSameWeightsAsAStraightRun) {
  TinyRun t;
  REQUIRE_DRUMS(t);
  Config config = TinyRun::small_config("default");
  config.train.augment = "translation,cutout";
  expect_resume_matches_straight_run(t, config);
}

TEST(Trainer, StopFlagCheckpointsAndReturns) {
  TinyRun t;
  REQUIRE_DRUMS(t);
  std::atomic<bool> stop{true};
  auto o = options_for(t, TinyRun::small_config("seed"), t.run());
  o.stop = &stop;
  const TrainResult result = train(o);
  EXPECT_EQ(result.stopped_by, "signal");
  EXPECT_EQ(result.step, 1);
  CheckpointReader reader(RunDir{t.run()}.last_checkpoint());
  EXPECT_EQ(reader.meta().step, 1);
  EXPECT_EQ(reader.meta().batch_in_epoch, 1);
}

TEST(Trainer, ResumingWithOtherFrontEndSettingsSaysWhatDiffers) {
  TinyRun t;
  REQUIRE_DRUMS(t);
  Config config = TinyRun::small_config("seed");
  config.train.max_steps = 1;
  auto o = options_for(t, config, t.run());
  o.epoch_outputs = false;
  train(o);
  config.frontend.hop_length = 128;
  auto resumed = options_for(t, config, t.run());
  resumed.resume = true;
  try {
    train(resumed);
    FAIL() << "a checkpoint of other front-end settings was accepted";
  } catch (const DataError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("hop_length: checkpoint 256, data 128"), std::string::npos) << message;
  }
}

TEST(Trainer, Bf16AutocastStepsStayFinite) {
  TinyRun t;
  REQUIRE_DRUMS(t);
  for (const char* arch : {"seed", "default"}) {
    Config config = TinyRun::small_config(arch);
    config.train.amp = "bf16";
    config.train.epochs = 1;
    auto o = options_for(t, config, t.run(arch));
    o.epoch_outputs = false;
    train(o);
    const auto lines = read_json_lines(RunDir{t.run(arch)}.metrics());
    ASSERT_EQ(lines.size(), 1u) << arch;
    EXPECT_EQ(lines[0].at("amp"), "bf16");
    EXPECT_TRUE(std::isfinite(lines[0].at("loss_g").get<double>())) << arch;
    EXPECT_TRUE(std::isfinite(lines[0].at("loss_d").get<double>())) << arch;
  }
}

// The roadmap options under bf16 autocast: the penalty's double backward and the attention maps
// run in float32 inside the autocast scope, and the losses stay finite.
TEST(Trainer, Bf16AutocastWithWganGpAndAttentionStaysFinite) {
  TinyRun t;
  REQUIRE_DRUMS(t);
  for (const char* arch : {"seed", "default"}) {
    Config config = TinyRun::small_config(arch);
    config.train.amp = "bf16";
    config.train.epochs = 1;
    config.train.loss = "wgan-gp";
    config.train.critic_steps = 1;
    config.train.attention = "8";
    auto o = options_for(t, config, t.run(arch));
    o.epoch_outputs = false;
    train(o);
    const auto lines = read_json_lines(RunDir{t.run(arch)}.metrics());
    ASSERT_EQ(lines.size(), 1u) << arch;
    EXPECT_EQ(lines[0].at("g_steps").get<int64_t>(), 2) << arch;
    for (const char* key : {"loss_g", "loss_d", "gradient_penalty"}) {
      EXPECT_TRUE(std::isfinite(lines[0].at(key).get<double>())) << arch << " " << key;
    }
    EXPECT_GT(lines[0].at("gradient_penalty").get<double>(), 0.0) << arch;
  }
}

// A run whose D has NaN weights (as one that blew up would leave behind): every step's losses are
// NaN, each update is skipped with a warning, and after --max-bad-steps the trainer stops with
// TrainingError naming the last checkpoint, which it leaves as it was.
TEST(Trainer, NonFiniteStepsAreSkippedAndStopTheRunAfterMaxBadSteps) {
  TinyRun t;
  REQUIRE_DRUMS(t);
  Config config = TinyRun::small_config("seed");
  config.train.max_steps = 1;
  auto o = options_for(t, config, t.run());
  o.epoch_outputs = false;
  train(o);
  const auto last = RunDir{t.run()}.last_checkpoint();
  {
    // Rewrite the checkpoint with one NaN in D's weights, everything else as it was.
    CheckpointReader reader(last);
    auto g = make_generator(reader.meta().spec);
    auto d = make_discriminator(reader.meta().spec);
    reader.load_module("generator", *g);
    reader.load_module("discriminator", *d);
    torch::optim::Adam opt_g(g->parameters()), opt_d(d->parameters());
    reader.load_optimizer("optimizer_g", opt_g);
    reader.load_optimizer("optimizer_d", opt_d);
    {
      torch::NoGradGuard no_grad;
      d->parameters().front().view(-1)[0] = std::nan("");
    }
    CheckpointWriter writer;
    writer.add_module("generator", *g);
    writer.add_module("discriminator", *d);
    if (reader.meta().has_ema) {
      auto ema = make_generator(reader.meta().spec);
      reader.load_module("ema_generator", *ema);
      writer.add_module("ema_generator", *ema);
    }
    writer.add_optimizer("optimizer_g", opt_g);
    writer.add_optimizer("optimizer_d", opt_d);
    writer.add_tensor("rng_train", reader.tensor("rng_train"));
    writer.add_tensor("rng_global", reader.tensor("rng_global"));
    writer.commit({last}, reader.meta());
  }
  const auto before = weights(last, "generator");
  auto info = read_resume_info(t.run());
  info.config.train.max_steps = 0;
  info.config.train.max_bad_steps = 3;
  auto resumed = options_for(t, info.config, t.run());
  resumed.resume = true;
  resumed.epoch_outputs = false;
  std::vector<std::string> warnings;
  resumed.callbacks.on_warning = [&](const std::string& w) { warnings.push_back(w); };
  try {
    train(resumed);
    FAIL() << "expected TrainingError";
  } catch (const TrainingError& error) {
    const std::string text = error.what();
    EXPECT_NE(text.find("3 steps in a row"), std::string::npos) << text;
    EXPECT_NE(text.find(last), std::string::npos) << text;
  }
  int told = 0;  // once, at the first bad step of the run (the monitor may warn besides)
  for (const auto& w : warnings) told += w.find("non-finite") != std::string::npos;
  EXPECT_EQ(told, 1);
  EXPECT_TRUE(torch::equal(weights(last, "generator"), before));
}

TEST(Sampler, CheckpointAndExportGenerateTheSameLogMels) {
  TinyRun t;
  REQUIRE_DRUMS(t);
  Config config = TinyRun::small_config("seed");
  config.train.epochs = 1;
  auto o = options_for(t, config, t.run());
  o.epoch_outputs = false;
  train(o);
  const auto checkpoint = RunDir{t.run()}.last_checkpoint();
  const auto exported = (t.root() / "G.pt").string();
  export_generator(checkpoint, exported);
  const Sampler a = Sampler::load(checkpoint);
  const Sampler b = Sampler::load(exported);
  EXPECT_EQ(a.class_names(), b.class_names());
  EXPECT_EQ(a.frontend().to_string(), b.frontend().to_string());
  auto mels = a.generate_log_mel(a.class_index("snare"), 3, /*seed=*/5);
  EXPECT_EQ(mels.sizes(), (std::vector<int64_t>{3, 32, 32}));
  EXPECT_GE(mels.min().item<float>(), 0.0f);
  EXPECT_TRUE(torch::equal(mels, b.generate_log_mel(b.class_index("1"), 3, 5)));
  const auto clips = a.to_audio(mels.narrow(0, 0, 1));
  ASSERT_EQ(clips.size(), 1u);
  EXPECT_EQ(clips[0].size(), size_t((32 - 1) * 256));
  try {
    a.class_index("hat");
    FAIL();
  } catch (const DataError& error) {
    EXPECT_NE(std::string(error.what()).find("kick"), std::string::npos);
  }
}

TEST(Sampler, TruncationKeepsLatentsInRangeAndSeedsAreDeterministic) {
  TinyRun t;
  REQUIRE_DRUMS(t);
  Config config = TinyRun::small_config("seed");
  config.train.max_steps = 1;
  auto o = options_for(t, config, t.run());
  o.epoch_outputs = false;
  train(o);
  const Sampler s = Sampler::load(RunDir{t.run()}.last_checkpoint());
  auto z = s.latents(64, 9, /*truncation=*/0.5);
  EXPECT_LE(z.abs().max().item<float>(), 0.5f);
  EXPECT_TRUE(torch::equal(s.latents(4, 9), s.latents(4, 9)));
  EXPECT_FALSE(torch::equal(s.latents(4, 9), s.latents(4, 10)));
}

// A negative truncation asks for the model's own: kDefaultTruncation for --arch default, none for
// the seeds' and for a WGAN-GP generator, read from a checkpoint or from its export alike.
TEST(Sampler, DefaultTruncationFollowsTheArchAndTheLoss) {
  for (const auto& [arch, loss] : std::vector<std::pair<std::string, std::string>>{
           {"default", ""}, {"seed", ""}, {"default", "wgan-gp"}}) {
    SCOPED_TRACE(arch + " " + loss);
    TinyRun t;
    REQUIRE_DRUMS(t);
    Config config = TinyRun::small_config(arch);
    config.train.loss = loss;
    config.train.max_steps = 1;
    auto o = options_for(t, config, t.run());
    o.epoch_outputs = false;
    train(o);
    const std::string checkpoint = RunDir{t.run()}.last_checkpoint();
    const Sampler s = Sampler::load(checkpoint);
    const bool truncated = arch == "default" && loss.empty();
    const double expected = truncated ? Sampler::kDefaultTruncation : 0.0;
    EXPECT_EQ(s.default_truncation(), expected);
    EXPECT_TRUE(torch::equal(s.latents(64, 3, -1.0), s.latents(64, 3, expected)));
    EXPECT_EQ(s.latents(64, 3, -1.0).abs().max().item<float>() <=
                  static_cast<float>(Sampler::kDefaultTruncation),
              truncated);
    const std::string exported = t.run() + "/generator.ts";
    export_generator(checkpoint, exported);
    EXPECT_EQ(Sampler::load(exported).default_truncation(), expected);
  }
}

// WGAN-GP with two critic steps per G step and self-attention in G and D: the split run
// resumes after a critic-only step and must still match the straight run bit for bit.
TEST(Trainer, WganGpWithCriticStepsAndAttentionResumesBitIdentically) {
  TinyRun t;
  REQUIRE_DRUMS(t);
  Config config = TinyRun::small_config("default");
  config.train.loss = "wgan-gp";
  config.train.critic_steps = 2;
  config.train.attention = "8";
  expect_resume_matches_straight_run(t, config);
}

TEST(Trainer, WganGpMovesGEveryNthStepAndRecordsThePapersOptimiser) {
  TinyRun t;
  REQUIRE_DRUMS(t);
  Config config = TinyRun::small_config("seed");
  config.train.loss = "wgan-gp";
  config.train.critic_steps = 3;
  auto o = options_for(t, config, t.run());
  o.epoch_outputs = false;
  EXPECT_EQ(train(o).step, 4);
  const auto lines = read_json_lines(RunDir{t.run()}.metrics());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["g_steps"].get<int64_t>(), 0);  // steps 1 and 2 train the critic only
  EXPECT_EQ(lines[1]["g_steps"].get<int64_t>(), 1);  // step 3 moves G, step 4 does not
  EXPECT_GT(lines[0]["gradient_penalty"].get<double>(), 0.0);
  const auto recorded = Config::from_toml_file(RunDir{t.run()}.config());
  EXPECT_EQ(recorded.train.lr_g, 1e-4);
  EXPECT_EQ(recorded.train.lr_d, 1e-4);
  EXPECT_EQ(recorded.train.beta1, 0.0);
  EXPECT_EQ(recorded.train.beta2, 0.9);
}

// Without --epochs, a time-budgeted run has no epoch limit: here max_steps stops it in epoch 3,
// where the seeds' epoch count would not matter; with epochs = 2 the same run stops at 2.
TEST(Trainer, ATimeBudgetLiftsTheDefaultEpochLimit) {
  TinyRun t;
  REQUIRE_DRUMS(t);
  Config config = TinyRun::small_config("seed");
  config.train.epochs = 0;
  config.train.time_budget_s = 3600;
  config.train.max_steps = 5;
  auto o = options_for(t, config, t.run("budget"));
  o.epoch_outputs = false;
  const auto budget = train(o);
  EXPECT_EQ(budget.stopped_by, "max_steps");
  EXPECT_EQ(budget.step, 5);
  config.train.epochs = 2;
  auto limited = options_for(t, config, t.run("limited"));
  limited.epoch_outputs = false;
  const auto result = train(limited);
  EXPECT_EQ(result.stopped_by, "epochs");
  EXPECT_EQ(result.step, 4);
}

// A variable-length run (--lengths variable) on real drum hits: the longest clip fitted from the
// data, each class's lengths recorded, and sampling at each class's own lengths or a given one.
Config variable_length_config() {
  Config config = TinyRun::small_config("default");
  config.frontend.frames = 0;
  config.train.lengths = "variable";
  config.train.buckets = 3;
  config.train.epochs = 1;
  return config;
}

TEST(Trainer, VariableLengthRunRecordsEachClassesLengths) {
  TinyRun t;
  REQUIRE_DRUMS(t);
  auto o = options_for(t, variable_length_config(), t.run());
  std::vector<std::string> statuses;
  o.callbacks.on_status = [&](const std::string& line) { statuses.push_back(line); };
  const TrainResult result = train(o);
  EXPECT_EQ(result.stopped_by, "epochs");
  EXPECT_GT(result.step, 0);
  const CheckpointReader reader(RunDir{t.run()}.last_checkpoint());
  const auto& meta = reader.meta();
  EXPECT_TRUE(meta.spec.variable_length);
  EXPECT_EQ(meta.spec.frames % 16, 0);
  // The buckets G keeps its BatchNorm statistics by, recorded with the model.
  ASSERT_FALSE(meta.spec.length_buckets.empty());
  EXPECT_LE(meta.spec.length_buckets.size(), 3u);
  EXPECT_TRUE(std::is_sorted(meta.spec.length_buckets.begin(), meta.spec.length_buckets.end()));
  EXPECT_EQ(meta.spec.length_buckets.back(), meta.spec.frames);
  ASSERT_EQ(meta.class_frames.size(), 2u);
  for (const auto& lengths : meta.class_frames) {
    ASSERT_EQ(lengths.size(), 4u);
    EXPECT_TRUE(std::is_sorted(lengths.begin(), lengths.end()));
    EXPECT_GE(lengths.front(), 1);
    EXPECT_LE(lengths.back(), meta.spec.frames);
  }
  bool told = false;
  for (const auto& line : statuses) told = told || line.rfind("clip lengths: variable", 0) == 0;
  EXPECT_TRUE(told) << "the run says it trains on variable lengths, with its buckets";
  EXPECT_EQ(Config::from_toml_file(RunDir{t.run()}.config()).train.lengths, "variable");
}

// --lengths auto chooses from the same two fits of the probe cache that the run reports, trains
// what it chose and records it; with --frames N, or where variable lengths are not supported,
// it is fixed.
TEST(Trainer, AutoLengthsChooseByTheDataAndRecordTheChoice) {
  TinyRun t;
  REQUIRE_DRUMS(t);
  Config config = variable_length_config();
  config.train.lengths = "auto";
  auto o = options_for(t, config, t.run());
  o.epoch_outputs = false;
  std::vector<std::string> statuses;
  o.callbacks.on_status = [&](const std::string& line) { statuses.push_back(line); };
  train(o);
  FrontendConfig probe = config.frontend;
  probe.frames = kFrameFitProbeFrames;
  const SpectrogramCache cache =
      SpectrogramCache::build(scan_dataset(t.data(), "train"), probe, t.cache(), 1, {}, nullptr);
  const std::string expected = auto_lengths(
      fit_frames(cache.content_frames()), fit_frames(cache.content_frames(), kLongestFitQuantile));
  const std::string recorded = Config::from_toml_file(RunDir{t.run()}.config()).train.lengths;
  EXPECT_EQ(recorded, expected);
  const CheckpointReader reader(RunDir{t.run()}.last_checkpoint());
  EXPECT_EQ(reader.meta().spec.variable_length, expected == "variable");
  bool told = false;
  for (const auto& line : statuses)
    told = told || line.rfind("clip lengths: auto chose " + expected, 0) == 0;
  EXPECT_TRUE(told) << "the run says what auto chose and why";

  config.frontend.frames = 32;  // an explicit length keeps the fixed mode
  train(options_for(t, config, t.run("explicit")));
  EXPECT_EQ(Config::from_toml_file(RunDir{t.run("explicit")}.config()).train.lengths, "fixed");
  config.frontend.frames = 0;
  config.train.balance = "classes";  // not supported by variable lengths: auto is fixed
  train(options_for(t, config, t.run("balanced")));
  EXPECT_EQ(Config::from_toml_file(RunDir{t.run("balanced")}.config()).train.lengths, "fixed");
}

TEST(Trainer, VariableLengthModelSamplesClipsAtTheirOwnLengths) {
  TinyRun t;
  REQUIRE_DRUMS(t);
  auto o = options_for(t, variable_length_config(), t.run());
  o.epoch_outputs = false;
  train(o);
  const auto checkpoint = RunDir{t.run()}.last_checkpoint();
  const auto class_frames = CheckpointReader(checkpoint).meta().class_frames;
  const Sampler s = Sampler::load(checkpoint);
  ASSERT_TRUE(s.variable_length());
  const int snare = s.class_index("snare");
  const auto& allowed = class_frames[static_cast<size_t>(snare)];
  for (uint64_t seed = 0; seed < 20; ++seed) {
    const int64_t frames = s.clip_frames(snare, seed);
    EXPECT_NE(std::find(allowed.begin(), allowed.end(), frames), allowed.end()) << frames;
    EXPECT_EQ(frames, s.clip_frames(snare, seed));
  }
  // 0.25 s at 16 kHz with a 256-sample hop is 15.6 frames: 16.
  EXPECT_EQ(s.clip_frames(snare, 0, 0.25), 16);
  EXPECT_THROW(s.clip_frames(snare, 0, s.max_seconds() + 0.1), ConfigError);
  dsp::GriffinLimOptions gl;
  gl.iterations = 2;
  const auto clips = s.generate_clips(snare, {1, 2}, -1.0, gl, 0.25);
  ASSERT_EQ(clips.frames, (std::vector<int64_t>{16, 16}));
  for (const auto& audio : clips.audio) EXPECT_EQ(audio.size(), size_t(16 * 256));
  const auto tail = clips.log_mels.narrow(2, 16, clips.log_mels.size(2) - 16);
  EXPECT_EQ(tail.abs().max().item<float>(), 0.f) << "silence after the clip's length";
  // Without a length, each clip's length is its seed's draw, and the batch path agrees.
  const auto drawn = s.generate_clips(snare, {3}, -1.0, gl);
  EXPECT_EQ(drawn.frames.at(0), s.clip_frames(snare, 3));
  const auto lone = s.generate_log_mel(s.clip_latents({3}, s.default_truncation()),
                                       torch::full({1}, snare, torch::kLong),
                                       torch::full({1}, drawn.frames[0], torch::kLong));
  EXPECT_TRUE(torch::equal(lone, drawn.log_mels));
  // No length input in the TorchScript export yet: a clear refusal, not a wrong model.
  EXPECT_THROW(export_generator(checkpoint, (t.root() / "G.pt").string()), ConfigError);
}

TEST(Trainer, VariableLengthRunResumesBitIdentically) {
  TinyRun t;
  REQUIRE_DRUMS(t);
  Config config = variable_length_config();
  config.train.epochs = 2;
  auto straight = options_for(t, config, t.run("straight"));
  straight.epoch_outputs = false;
  const TrainResult whole = train(straight);
  ASSERT_GE(whole.step, 3);
  config.train.max_steps = whole.step - 1;  // stops inside epoch 2
  auto first = options_for(t, config, t.run("split"));
  first.epoch_outputs = false;
  train(first);
  auto info = read_resume_info(t.run("split"));
  info.config.train.max_steps = 0;
  auto second = options_for(t, info.config, t.run("split"));
  second.resume = true;
  second.epoch_outputs = false;
  EXPECT_EQ(train(second).step, whole.step);
  const auto a = RunDir{t.run("straight")}.last_checkpoint();
  const auto b = RunDir{t.run("split")}.last_checkpoint();
  for (const char* key : {"generator", "discriminator", "ema_generator"}) {
    EXPECT_TRUE(torch::equal(weights(a, key), weights(b, key))) << key;
  }
}

}  // namespace
}  // namespace audiogan
