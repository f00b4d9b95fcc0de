// The whole evaluation path on a tiny real drum dataset (Debian's hydrogen-drumkits): the
// spectrogram caches, the classifier (trained, then reused from its cache), a stand-in generator
// vocoded and re-analysed like a checkpoint's output, every metric, and the report files.
#include "eval/evaluator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>

#include <unistd.h>

#include "audio/audio_file.h"
#include "core/error.h"
#include "dsp/mel.h"
#include "eval/sound_length.h"
#include "train/collapse_monitor.h"

namespace audiogan::eval {
namespace {

namespace fs = std::filesystem;

const char* kKits = AUDIOGAN_DRUMKITS;  // from CMake; a missing folder throws, failing the test

// <tmp>/train/<class>/ and <tmp>/test/<class>/ with a few files per class: every 4th file of a
// class goes to test.
std::string make_drum_dataset(const std::string& name) {
  const fs::path root = fs::path(::testing::TempDir()) / name;
  fs::remove_all(root);
  const std::vector<std::pair<std::string, std::regex>> classes = {
      {"hihat", std::regex("^(hh|hihat|hat_|hhclosed)")},
      {"kick", std::regex("^(bd|kick|bassdrum)")},
      {"snare", std::regex("^(sd|snare)")}};
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(kKits)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& [label, pattern] : classes) {
    int taken = 0;
    for (const auto& path : files) {
      std::string base = path.filename().string();
      std::transform(base.begin(), base.end(), base.begin(), ::tolower);
      const std::string ext = path.extension().string();
      if (ext != ".wav" && ext != ".flac") continue;
      if (!std::regex_search(base, pattern) || taken >= 12) continue;
      const fs::path dir = root / (taken % 4 == 3 ? "test" : "train") / label;
      fs::create_directories(dir);
      fs::copy_file(path, dir / (std::to_string(taken) + ext));
      ++taken;
    }
  }
  return root.string();
}

FrontendConfig small_frontend() {
  FrontendConfig fe;
  fe.sample_rate = 16000;
  fe.n_fft = 256;
  fe.win_length = 256;
  fe.hop_length = 128;
  fe.n_mels = 32;
  fe.frames = 32;
  return fe;
}

ReferenceOptions small_reference(const std::string& root) {
  ReferenceOptions options;
  options.data_root = root;
  options.threads = 2;
  options.classifier.model.width = 8;
  options.classifier.model.blocks = 3;
  options.classifier.model.embedding = 32;
  options.classifier.epochs = 10;
  options.classifier.min_steps = 60;
  options.classifier.batch = 8;
  options.classifier.max_shift_frames = 2;
  return options;
}

// A stand-in generator that replays real training spectrograms of the class with a little
// noise, or, collapsed, always the first one of the class vocoded with zero initial phase (so
// every clip comes out the same).
GeneratedSource replay_source(const EvaluationReference& ref, bool collapsed) {
  GeneratedSource source;
  source.class_names = ref.class_names;
  source.frontend = ref.frontend;
  const torch::Tensor mels = ref.train.spectrograms.to(torch::kFloat32);
  const torch::Tensor labels = ref.train.labels;
  source.generate = [mels, labels, collapsed](int c, int count, uint64_t seed) {
    const torch::Tensor own = mels.index_select(0, (labels == c).nonzero().squeeze(1));
    torch::Tensor index = torch::arange(count, torch::kInt64) % own.size(0);
    if (collapsed) return own.index_select(0, index.zero_());
    torch::manual_seed(seed);
    return (own.index_select(0, index) + 0.01 * torch::randn({count, own.size(1), own.size(2)}))
        .clamp_min(0.0);
  };
  if (collapsed) {
    const FrontendConfig fe = ref.frontend;
    source.to_audio = [fe](const torch::Tensor& log_mels, uint64_t /*seed*/) {
      dsp::GriffinLimOptions gl;
      gl.iterations = 8;
      gl.start = dsp::PhaseStart::zero;
      const torch::Tensor wav = dsp::log_mel_to_audio(log_mels, fe, gl).contiguous();  // [B, T]
      std::vector<std::vector<float>> out;
      for (int64_t i = 0; i < wav.size(0); ++i) {
        const torch::Tensor row = wav[i].contiguous();
        out.emplace_back(row.data_ptr<float>(), row.data_ptr<float>() + row.numel());
      }
      return out;
    };
  }
  return source;
}

// Entries of `values` [N] whose label is c.
torch::Tensor rows_with_label(const torch::Tensor& values, const torch::Tensor& labels, int c) {
  return values.index_select(0, (labels == c).nonzero().squeeze(1));
}

EvaluationOptions small_evaluation() {
  EvaluationOptions options;
  options.count_per_class = 8;
  options.seed = 5;
  options.griffin_lim.iterations = 8;
  options.reconstruction_per_class = 1;
  options.examples_per_class = 2;
  options.ndb_k = 3;
  return options;
}

class EvaluatorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // One folder per process, so parallel ctest runs of this suite's tests do not share it.
    root_ =
        new std::string(make_drum_dataset("audiogan-evaluator-test-" + std::to_string(::getpid())));
    reference_ = new EvaluationReference(
        prepare_reference(small_frontend(), {"hihat", "kick", "snare"}, small_reference(*root_)));
  }
  static void TearDownTestSuite() {
    delete reference_;
    fs::remove_all(*root_);
    delete root_;
  }
  static std::string* root_;
  static EvaluationReference* reference_;
};
std::string* EvaluatorTest::root_ = nullptr;
EvaluationReference* EvaluatorTest::reference_ = nullptr;

TEST_F(EvaluatorTest, ClassifierOnRealDrumsIsWellAboveChanceAndCached) {
  const EvaluationReference& ref = *reference_;
  EXPECT_EQ(ref.test_source, "test");
  EXPECT_EQ(ref.test.labels.numel(), 9);
  EXPECT_FALSE(ref.classifier_reused);
  EXPECT_GT(ref.classifier_accuracy, 2.0 * ref.chance);
  EXPECT_TRUE(ref.meaningful());
  const EvaluationReference again =
      prepare_reference(small_frontend(), {"hihat", "kick", "snare"}, small_reference(*root_));
  EXPECT_TRUE(again.classifier_reused);
  EXPECT_EQ(again.classifier_path, ref.classifier_path);
  EXPECT_TRUE(torch::allclose(again.test.classified.embeddings, ref.test.classified.embeddings));
}

TEST_F(EvaluatorTest, RejectsACheckpointWhoseClassesDifferFromTheData) {
  EXPECT_THROW(prepare_reference(small_frontend(), {"kick", "snare"}, small_reference(*root_)),
               DataError);
}

TEST_F(EvaluatorTest, ReplayedRealSpectrogramsScoreLikeRealDataAndWriteTheReport) {
  const EvaluationOptions options = small_evaluation();
  const EvaluationReport report = evaluate(replay_source(*reference_, false), *reference_, options);
  ASSERT_EQ(report.classes.size(), 3u);
  const torch::Tensor rows = report.confusion.matrix.sum(1);
  for (int c = 0; c < 3; ++c) EXPECT_EQ(rows[c].item<int64_t>(), 8);
  EXPECT_GE(report.conditional_accuracy, 0.5);
  // IS >= 1 by construction, so "> 1" proves nothing: replayed real clips must score like the
  // real test clips do through the same path (the vocoder here, none below).
  EXPECT_GT(report.is_generated.mean, 0.8 * report.vocoded_real_is.mean)
      << "real test clips through the vocoder: " << report.vocoded_real_is.mean;
  EXPECT_FALSE(report.mode_collapse);
  EXPECT_EQ(report.ndb.k, 3);
  EXPECT_EQ(report.reconstruction_clips, 3);
  EXPECT_LT(report.reconstruction_sc_db, 0.0);
  EXPECT_GT(report.reconstruction_lsd_db, 0.0);
  EXPECT_TRUE(std::isfinite(report.reconstruction_lsd_db));
  EXPECT_EQ(report.vocoder, "griffin-lim");
  // Every real test clip (3 per class here, under the count of 8) through the vocoder: still
  // recognised well above chance, and farther from the real test set than nothing (FD > 0).
  EXPECT_EQ(report.vocoded_real_clips, 9);
  EXPECT_GT(report.vocoded_real_accuracy, 2.0 * reference_->chance);
  EXPECT_GT(report.vocoded_real_fd, 0.0);
  EXPECT_TRUE(std::isfinite(report.vocoded_real_fd));
  // The replayed log-mels classified as they are, without the vocoder round trip.
  EXPECT_GE(report.direct_accuracy, 0.5);
  EXPECT_GT(report.direct_is.mean, 0.8 * report.is_real_test.mean)
      << "real test clips: " << report.is_real_test.mean;
  EXPECT_TRUE(std::isfinite(report.direct_fd));
  EXPECT_EQ(report.generated_examples.sizes(), (std::vector<int64_t>{3, 2, 32, 32}));

  // Deterministic given the seed.
  const EvaluationReport again = evaluate(replay_source(*reference_, false), *reference_, options);
  EXPECT_DOUBLE_EQ(again.fd, report.fd);
  EXPECT_DOUBLE_EQ(again.is_generated.mean, report.is_generated.mean);

  const fs::path out = fs::path(*root_) / "report";
  EvaluationReport truncated = report;
  truncated.truncation = 0.5;
  const ReportFiles files = write_report(truncated, out.string());
  std::ifstream json_file(files.json);
  const nlohmann::json json = nlohmann::json::parse(json_file);
  EXPECT_EQ(json["per_class"].size(), 3u);
  EXPECT_EQ(json["confusion"]["matrix"].size(), 3u);
  EXPECT_EQ(json["vocoded_real_test"]["clips"], 9);
  EXPECT_DOUBLE_EQ(json["vocoded_real_test"]["fd"].get<double>(), report.vocoded_real_fd);
  EXPECT_DOUBLE_EQ(json["direct"]["fd"].get<double>(), report.direct_fd);
  EXPECT_DOUBLE_EQ(json["direct"]["accuracy"].get<double>(), report.direct_accuracy);
  EXPECT_EQ(json["truncation"], 0.5);
  EXPECT_EQ(json["vocoder"], "griffin-lim");
  EXPECT_DOUBLE_EQ(json["reconstruction"]["log_spectral_distance_db"].get<double>(),
                   report.reconstruction_lsd_db);
  std::ifstream markdown(files.markdown);
  const std::string text((std::istreambuf_iterator<char>(markdown)),
                         std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("latents truncated at 0.5"), std::string::npos);
  EXPECT_TRUE(fs::file_size(files.markdown) > 100);
  ASSERT_EQ(files.figures.size(), 2u);
  for (const auto& figure : files.figures) EXPECT_GT(fs::file_size(figure), 1000u) << figure;
}

// A vocoder that returns silence ruins the headline figures but not the ones taken before it:
// they score the generator's own log-mels.
TEST_F(EvaluatorTest, FiguresWithoutTheVocoderDoNotDependOnIt) {
  EvaluationOptions options = small_evaluation();
  options.reconstruction_per_class = 0;
  const EvaluationReport good = evaluate(replay_source(*reference_, false), *reference_, options);
  GeneratedSource silent = replay_source(*reference_, false);
  const int64_t length = (reference_->frontend.frames - 1) * reference_->frontend.hop_length;
  silent.to_audio = [length](const torch::Tensor& log_mels, uint64_t /*seed*/) {
    return std::vector<std::vector<float>>(static_cast<size_t>(log_mels.size(0)),
                                           std::vector<float>(static_cast<size_t>(length), 0.0f));
  };
  const EvaluationReport broken = evaluate(silent, *reference_, options);
  EXPECT_GT(broken.fd, 2.0 * good.fd);
  EXPECT_LT(broken.is_generated.mean, 1.01);  // every clip is the same silence
  EXPECT_DOUBLE_EQ(broken.direct_accuracy, good.direct_accuracy);
  EXPECT_DOUBLE_EQ(broken.direct_fd, good.direct_fd);
  EXPECT_DOUBLE_EQ(broken.direct_is.mean, good.direct_is.mean);
  EXPECT_GE(broken.direct_accuracy, 0.5);
}

// EvaluationOptions::vocoder replaces Griffin-Lim everywhere the evaluator makes audio itself
// (generated clips of a source without to_audio, the re-synthesis check, the real clips through
// the vocoder), and the report names it. A vocoder of silence shows each path used it.
TEST_F(EvaluatorTest, AnotherVocoderReplacesGriffinLimAndTheReportNamesIt) {
  EvaluationOptions options = small_evaluation();
  auto calls = std::make_shared<int>(0);
  const int64_t hop = reference_->frontend.hop_length;
  options.vocoder = [calls, hop](const torch::Tensor& log_mels, uint64_t /*seed*/) {
    ++*calls;
    return torch::zeros({log_mels.size(0), log_mels.size(2) * hop});  // [B, F * hop]
  };
  options.vocoder_name = "runs/silence";
  const EvaluationReport silent = evaluate(replay_source(*reference_, false), *reference_, options);
  const EvaluationReport griffin_lim =
      evaluate(replay_source(*reference_, false), *reference_, small_evaluation());
  EXPECT_EQ(silent.vocoder, "runs/silence");
  EXPECT_GT(*calls, 0);
  ASSERT_EQ(silent.reconstruction_clips, 3);
  EXPECT_NEAR(silent.reconstruction_sc_db, 0.0, 1e-9);  // || X - 0 || / || X || = 1
  EXPECT_GT(silent.reconstruction_lsd_db, griffin_lim.reconstruction_lsd_db + 10.0);
  EXPECT_LT(silent.is_generated.mean, 1.01);  // every clip the same silence
  EXPECT_LT(silent.vocoded_real_is.mean, 1.01);
  EXPECT_GT(silent.vocoded_real_fd, 2.0 * griffin_lim.vocoded_real_fd);
  EXPECT_DOUBLE_EQ(silent.direct_fd, griffin_lim.direct_fd);  // no vocoder on that path
  const std::string markdown = report_markdown(silent);
  EXPECT_NE(markdown.find("vocoded (runs/silence)"), std::string::npos);
  EXPECT_NE(markdown.find("log-spectral distance"), std::string::npos);
}

TEST_F(EvaluatorTest, ACollapsedGeneratorIsFlagged) {
  EvaluationOptions options = small_evaluation();
  options.reconstruction_per_class = 0;
  const EvaluationReport report = evaluate(replay_source(*reference_, true), *reference_, options);
  EXPECT_EQ(report.vocoded_real_clips, 0);  // skipped with the vocoder check
  EXPECT_TRUE(report.mode_collapse);
  for (const auto& c : report.classes) EXPECT_LT(c.diversity, 0.5 * c.diversity_real) << c.name;
}

// Loud noise over every frame, different for every latent: every frame has sound where the real
// clips fall silent.
TEST_F(EvaluatorTest, AGeneratorThatFillsTheSilencesIsFlagged) {
  EvaluationOptions options = small_evaluation();
  options.reconstruction_per_class = 0;
  GeneratedSource noise = replay_source(*reference_, false);
  const double loudest = reference_->train.spectrograms.max().item<double>();
  noise.generate = [loudest](int /*c*/, int count, uint64_t seed) {
    torch::manual_seed(seed);
    return loudest * (0.5 + 0.5 * torch::rand({count, 32, 32}));
  };
  const EvaluationReport report = evaluate(noise, *reference_, options);
  EXPECT_TRUE(report.fills_silence);
  for (const auto& c : report.classes) {
    EXPECT_DOUBLE_EQ(c.active_frames, 1.0) << c.name;
    EXPECT_GT(c.active_frames_real, 0.0) << c.name;
    // Every generated frame has sound: flagged unless the real share is within the monitor's
    // excess of 100 %.
    EXPECT_EQ(c.fills_silence, c.active_frames_real < 1.0 - CollapseThresholds{}.max_active_excess)
        << c.name;
  }
  // The replayed real clips have sound where the data has it.
  const EvaluationReport real = evaluate(replay_source(*reference_, false), *reference_, options);
  EXPECT_FALSE(real.fills_silence);
  for (const auto& c : real.classes) {
    EXPECT_NEAR(c.active_frames, c.active_frames_real, 0.2) << c.name;
    EXPECT_LT(c.active_frames_real, 1.0) << c.name;
  }
}

// The scored split's share of frames with sound is measured on that split's clips: a source that
// replays the test clips has their share, whatever the training clips' share is.
TEST_F(EvaluatorTest, FramesWithSoundAreAlsoReportedForTheScoredSplit) {
  EvaluationOptions options = small_evaluation();
  options.reconstruction_per_class = 0;
  GeneratedSource test_replay = replay_source(*reference_, false);
  const torch::Tensor mels = reference_->test.spectrograms.to(torch::kFloat32);
  const torch::Tensor labels = reference_->test.labels;
  test_replay.generate = [mels, labels](int c, int count, uint64_t /*seed*/) {
    const torch::Tensor own = mels.index_select(0, (labels == c).nonzero().squeeze(1));
    return own.index_select(0, torch::arange(count, torch::kInt64) % own.size(0));
  };
  const EvaluationReport report = evaluate(test_replay, *reference_, options);
  for (const auto& c : report.classes) {
    EXPECT_GT(c.active_frames_real_scored, 0.0) << c.name;
    EXPECT_LT(c.active_frames_real_scored, 1.0) << c.name;
    // Tiling `count` clips from fewer real ones weights some twice, hence the tolerance.
    EXPECT_NEAR(c.active_frames, c.active_frames_real_scored, 0.15) << c.name;
  }
  const nlohmann::json json = nlohmann::json::parse(report_json(report));
  EXPECT_NEAR(json["per_class"][0]["active_frames_real_scored"].get<double>(),
              report.classes[0].active_frames_real_scored, 1e-6);
}

// The real lengths are the test files' whole lengths: the cache cuts every clip to the model's
// 32 frames (0.26 s), and real drum hits ring longer than that.
TEST_F(EvaluatorTest, RealSoundLengthsAreMeasuredOnTheWholeTestFiles) {
  const RealSplit& test = reference_->test;
  ASSERT_EQ(test.sound_frames.numel(), test.labels.numel());
  EXPECT_TRUE(torch::equal(test.sound_frames, file_sound_frames(test.paths, reference_->frontend)));
  EXPECT_GT(test.sound_frames.max().item<int64_t>(), reference_->frontend.frames)
      << test.sound_frames;
  EXPECT_GT(test.sound_frames.min().item<int64_t>(), 0) << test.sound_frames;
}

// A fixed-length model cannot be longer than its frames: replayed cache clips (cut at 32 frames)
// stay within 32, and fail the check in every class whose real 90th percentile is beyond reach.
TEST_F(EvaluatorTest, CutClipsCannotReachLongerRealLengthsAndTheReportSaysSo) {
  EvaluationOptions options = small_evaluation();
  options.reconstruction_per_class = 0;
  const EvaluationReport report = evaluate(replay_source(*reference_, false), *reference_, options);
  EXPECT_EQ(report.length_max_frames, 32);
  EXPECT_DOUBLE_EQ(report.seconds_per_frame, 128.0 / 16000.0);
  int unreachable = 0;
  for (int c = 0; c < 3; ++c) {
    const ClassReport& cr = report.classes[static_cast<size_t>(c)];
    const torch::Tensor real =
        rows_with_label(reference_->test.sound_frames, reference_->test.labels, c);
    EXPECT_LE(cr.length_p90, 32.0) << cr.name;
    EXPECT_GT(cr.length_median, 0.0) << cr.name;
    EXPECT_DOUBLE_EQ(cr.length_median_real, linear_quantile(real, 0.5)) << cr.name;
    EXPECT_DOUBLE_EQ(cr.length_p90_real, linear_quantile(real, 0.9)) << cr.name;
    if (cr.length_p90_real > 1.3 * 32) {
      ++unreachable;
      EXPECT_FALSE(cr.length_ok) << cr.name;
    }
  }
  EXPECT_GT(unreachable, 0);
  EXPECT_FALSE(report.length_ok);

  const ReportFiles files = write_report(report, (fs::path(*root_) / "report-lengths").string());
  std::ifstream json_file(files.json);
  const nlohmann::json json = nlohmann::json::parse(json_file);
  EXPECT_EQ(json["sound_length"]["max_frames"], 32);
  EXPECT_FALSE(json["sound_length"]["ok"].get<bool>());
  for (size_t c = 0; c < 3; ++c) {
    const nlohmann::json& row = json["per_class"][c];
    EXPECT_DOUBLE_EQ(row["length_median"].get<double>(), report.classes[c].length_median);
    EXPECT_DOUBLE_EQ(row["length_p90_real"].get<double>(), report.classes[c].length_p90_real);
    EXPECT_DOUBLE_EQ(row["length_p90_real_seconds"].get<double>(),
                     report.classes[c].length_p90_real * 128.0 / 16000.0);
    EXPECT_EQ(row["length_ok"].get<bool>(), report.classes[c].length_ok);
  }
  std::ifstream markdown(files.markdown);
  const std::string text((std::istreambuf_iterator<char>(markdown)),
                         std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("The model's clips have 32 frames (0.26 s)"), std::string::npos);
  EXPECT_NE(text.find("lengths within target"), std::string::npos);
}

// The real test clips themselves, generated at their whole length by a model long enough to hold
// them, must pass: the generated side (log-mels) and the real side (files) measure alike.
TEST_F(EvaluatorTest, RealTestClipsReplayedAtTheirFullLengthPassTheLengthCheck) {
  EvaluationReference whole = *reference_;
  const int64_t longest = whole.test.sound_frames.max().item<int64_t>();
  whole.frontend.frames = static_cast<int>((longest + 8 + 15) / 16 * 16);
  const FrontendConfig fe = whole.frontend;
  const RealSplit test = whole.test;
  GeneratedSource source;
  source.class_names = whole.class_names;
  source.frontend = fe;
  source.generate = [fe, test](int c, int count, uint64_t /*seed*/) {
    std::vector<torch::Tensor> mels;
    for (size_t i = 0; i < test.paths.size(); ++i) {
      if (test.labels[static_cast<int64_t>(i)].item<int64_t>() != c) continue;
      AudioClip clip = read_audio(test.paths[i], fe.sample_rate);
      mels.push_back(dsp::log_mel(torch::tensor(clip.samples, torch::kFloat32), fe));
    }
    EXPECT_EQ(static_cast<int>(mels.size()), count);
    return torch::stack(mels);  // [count, n_mels, frames]
  };
  EvaluationOptions options = small_evaluation();
  options.count_per_class = 3;  // every real test clip of the class once
  options.reconstruction_per_class = 0;
  options.examples_per_class = 0;
  options.griffin_lim.iterations = 2;
  const EvaluationReport report = evaluate(source, whole, options);
  EXPECT_EQ(report.length_max_frames, fe.frames);
  EXPECT_TRUE(report.length_ok);
  for (const auto& c : report.classes) {
    EXPECT_TRUE(c.length_ok) << c.name;
    EXPECT_DOUBLE_EQ(c.length_median, c.length_median_real) << c.name;
    EXPECT_DOUBLE_EQ(c.length_p90, c.length_p90_real) << c.name;
  }
}

// Settings are chosen on a validation split: evaluate scores against <root>/val with the same
// classifier (it learns from train either way), and a split that does not exist is an error.
TEST_F(EvaluatorTest, AValidationSplitIsScoredWithTheSameClassifier) {
  const fs::path val = fs::path(*root_) / "val";
  fs::copy(fs::path(*root_) / "test", val, fs::copy_options::recursive);
  ReferenceOptions options = small_reference(*root_);
  options.test_split = "val";
  const EvaluationReference ref =
      prepare_reference(small_frontend(), {"hihat", "kick", "snare"}, options);
  EXPECT_EQ(ref.test_source, "val");
  EXPECT_TRUE(ref.classifier_reused);
  EXPECT_EQ(ref.classifier_path, reference_->classifier_path);
  ASSERT_EQ(ref.test.paths.size(), reference_->test.paths.size());
  for (const auto& path : ref.test.paths) EXPECT_NE(path.find("/val/"), std::string::npos) << path;
  EXPECT_DOUBLE_EQ(ref.classifier_accuracy, reference_->classifier_accuracy);  // a copy of test
  EXPECT_TRUE(torch::equal(ref.test.sound_frames, reference_->test.sound_frames));
  // The report names the split it scored wherever it speaks of the real reference.
  EvaluationOptions evaluation = small_evaluation();
  evaluation.reconstruction_per_class = 0;
  const std::string md = report_markdown(evaluate(replay_source(ref, false), ref, evaluation));
  EXPECT_NE(md.find("classifier on real val"), std::string::npos) << md;
  EXPECT_NE(md.find("real train vs val, floor"), std::string::npos) << md;
  EXPECT_EQ(md.find("real test"), std::string::npos) << md;

  fs::remove_all(val);
  options.test_split = "val";  // removed again
  EXPECT_THROW(prepare_reference(small_frontend(), {"hihat", "kick", "snare"}, options),
               ConfigError);
  options.test_split = "train";
  EXPECT_THROW(prepare_reference(small_frontend(), {"hihat", "kick", "snare"}, options),
               ConfigError);
}

}  // namespace
}  // namespace audiogan::eval
