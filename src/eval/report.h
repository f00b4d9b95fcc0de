// The result of an evaluation and its outputs: report.json, report.md and the figures.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "core/config.h"
#include "eval/confusion.h"
#include "eval/inception_score.h"
#include "eval/ndb.h"

namespace audiogan::eval {

struct ClassReport {
  std::string name;
  int64_t generated = 0;        // samples generated
  int64_t real_test = 0;        // real test samples
  double accuracy = 0.0;        // conditional accuracy of the generated samples
  double fd = 0.0;              // generated vs real test
  double fd_floor = 0.0;        // real train vs real test
  double diversity = 0.0;       // generated, mean pairwise embedding distance
  double diversity_real = 0.0;  // real train, same measure
  bool mode_collapse = false;   // diversity < 0.5 x diversity_real
  // Share of frames with sound (the training monitor's measure, on the generator's own log-mels
  // and on the real train clips of the class) and the flag for a generator that paints sound
  // over the data's silences: generated share more than 10 points (the monitor's
  // max_active_excess) above the train share. The flag compares with the clips the model learnt
  // from; the scored split's share is reported beside it because held-out kits or voices can
  // ring shorter or longer than the training ones. Broadband noise that changes with the latent
  // is more diverse than real data, so the diversity flag cannot catch it.
  double active_frames = 0.0;
  double active_frames_real = 0.0;         // real train clips
  double active_frames_real_scored = 0.0;  // real clips of the scored split (test or val)
  bool fills_silence = false;
  // Sound lengths in frames (frames up to the last one within 60 dB of the clip's peak, as the
  // frame fit measures them; docs/metrics.md): the median and 90th percentile of the
  // generator's own log-mels, and of the real clips of the scored split at their full length.
  // length_ok: generated median within 20 % and p90 within 30 % of the real ones (issue #20).
  double length_median = NAN;
  double length_p90 = NAN;
  double length_median_real = NAN;
  double length_p90_real = NAN;
  bool length_ok = false;
};

struct EvaluationReport {
  // What was evaluated.
  std::string checkpoint;
  std::string data_root;
  std::string frontend;  // frontend_config.to_string()
  FrontendConfig frontend_config;
  std::vector<std::string> class_names;
  int count_per_class = 0;
  uint64_t seed = 0;
  double truncation = 0.0;  // of the generated latents; 0 = none
  bool quick = false;
  // The classifier.
  std::string classifier_path;
  bool classifier_reused = false;
  std::string test_source;
  int64_t real_test_count = 0;
  double classifier_accuracy = 0.0;
  double chance = 0.0;
  bool meaningful = false;
  // Metrics.
  Confusion confusion;  // generated: intended vs predicted
  double conditional_accuracy = 0.0;
  InceptionScore is_generated;
  InceptionScore is_real_test;
  double fd = 0.0;        // overall, generated vs real test
  double fd_floor = 0.0;  // overall, real train vs real test
  NdbResult ndb;
  std::vector<ClassReport> classes;
  bool mode_collapse = false;  // any class collapsed
  bool fills_silence = false;  // any class fills the data's silences
  // Sound lengths: the most frames a generated clip has (the model's fixed frame count, which
  // its sounds cannot exceed), seconds per frame (hop / sample rate) and whether every class's
  // lengths are within the target.
  int64_t length_max_frames = 0;
  double seconds_per_frame = 0.0;
  bool length_ok = false;
  std::string vocoder = "griffin-lim";  // what made the audio: griffin-lim or a vocoder's path
  // Real clips re-synthesised by the vocoder (log-mel -> audio), against the original
  // waveform on the front end's STFT: mean spectral convergence and log-spectral distance.
  int reconstruction_clips = 0;
  double reconstruction_sc_db = 0.0;
  double reconstruction_lsd_db = 0.0;
  // Real test log-mels through the same vocoder and re-analysis as generated ones (0 clips when
  // the vocoder check is skipped): what a generator that reproduced the data would score.
  int vocoded_real_clips = 0;
  double vocoded_real_accuracy = 0.0;  // classifier accuracy on them
  InceptionScore vocoded_real_is;
  double vocoded_real_fd = 0.0;  // vs the real test embeddings
  // The generator's own log-mels (negative values clipped, as the vocoder does), classified
  // without the vocoder round trip: the generator's quality apart from the vocoder's, on the
  // same scale as the train-vs-test floor.
  double direct_accuracy = 0.0;
  InceptionScore direct_is;
  double direct_fd = 0.0;  // vs the real test embeddings
  double seconds = 0.0;    // wall time of the evaluation
  // For the figures: [C, k, n_mels, frames] float32, generated and real examples per class.
  torch::Tensor generated_examples;
  torch::Tensor real_examples;
};

// The report as JSON text (every number above, NaN written as null).
std::string report_json(const EvaluationReport& report);
// The report as Markdown tables.
std::string report_markdown(const EvaluationReport& report);

struct ReportFiles {
  std::string json;
  std::string markdown;
  std::vector<std::string> figures;
};
// Writes report.json, report.md, confusion.png and spectrograms.png into `out_dir` (created).
// Throws IoError naming the path that could not be written.
ReportFiles write_report(const EvaluationReport& report, const std::string& out_dir);

}  // namespace audiogan::eval
