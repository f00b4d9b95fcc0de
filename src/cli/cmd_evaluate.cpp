// `audiogan evaluate`: measures a checkpoint's generated sounds against the real data with the
// evaluation classifier and writes report.json, report.md and figures.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/progress_line.h"
#include "core/error.h"
#include "core/threads.h"
#include "eval/evaluator.h"
#include "infer/sampler.h"

namespace audiogan::cli {
namespace {

struct EvaluateArgs {
  std::string checkpoint;
  std::string data;
  std::string out;
  std::string cache;
  std::string split = eval::ReferenceOptions{}.test_split;
  // EvaluationOptions' own defaults, so --help shows what the library does.
  int count = eval::EvaluationOptions{}.count_per_class;
  uint64_t seed = eval::EvaluationOptions{}.seed;
  double truncation = -1.0;  // < 0 = the model's default (Sampler::default_truncation)
  int iterations = eval::EvaluationOptions{}.griffin_lim.iterations;
  std::string vocoder = "auto";
  int reconstruction = eval::EvaluationOptions{}.reconstruction_per_class;
  int ndb_k = eval::EvaluationOptions{}.ndb_k;
  int threads = 0;
  bool quick = false;
};

// <run>/checkpoints/x.pt -> <run>/eval; <dir>/x.pt -> <dir>/eval otherwise.
std::string default_out_dir(const std::string& checkpoint) {
  namespace fs = std::filesystem;
  fs::path dir = fs::absolute(checkpoint).parent_path();
  if (dir.filename() == "checkpoints") dir = dir.parent_path();
  return (dir / "eval").string();
}

std::string fixed(double v, int digits = 2) {
  if (!std::isfinite(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

void print_summary(const eval::EvaluationReport& r, std::ostream& out) {
  out << "classifier accuracy on real " << r.test_source << ": "
      << fixed(100 * r.classifier_accuracy, 1) << "% (chance " << fixed(100 * r.chance, 1)
      << "%)\n";
  if (!r.meaningful) {
    out << "warning: the classifier is below twice chance on real data; the metrics are not "
           "meaningful\n";
  }
  if (r.truncation > 0)
    out << "latents truncated at  " << fixed(r.truncation) << "  (--truncation)\n";
  out << "conditional accuracy  " << fixed(100 * r.conditional_accuracy, 1) << "%\n";
  out << "inception score       " << fixed(r.is_generated.mean) << "  (real " << r.test_source
      << " " << fixed(r.is_real_test.mean) << ")\n";
  out << "frechet distance      " << fixed(r.fd) << "  (floor, real train vs " << r.test_source
      << " " << fixed(r.fd_floor) << ")\n";
  out << "NDB/K                 " << fixed(r.ndb.ndb_over_k) << "  (" << r.ndb.different << " of "
      << r.ndb.k << " bins)\n";
  out << "without the vocoder   accuracy " << fixed(100 * r.direct_accuracy, 1) << "%, IS "
      << fixed(r.direct_is.mean) << ", FD " << fixed(r.direct_fd) << "  (the generator's own "
      << "log-mels)\n";
  out << "vocoder               " << r.vocoder << "\n";
  if (r.vocoded_real_clips > 0) {
    out << "real through vocoder  accuracy " << fixed(100 * r.vocoded_real_accuracy, 1) << "%, IS "
        << fixed(r.vocoded_real_is.mean) << ", FD " << fixed(r.vocoded_real_fd) << "  ("
        << r.vocoded_real_clips << " real " << r.test_source << " clips: the vocoder's ceiling)\n";
  }
  if (r.reconstruction_clips > 0) {
    out << "vocoder re-synthesis  spectral convergence " << fixed(r.reconstruction_sc_db)
        << " dB, log-spectral distance " << fixed(r.reconstruction_lsd_db) << " dB  ("
        << r.reconstruction_clips << " real " << r.test_source << " clips vs their waveforms)\n";
  }
  out << "\n  class            acc      FD   floor   div  real div  sound train  " << r.test_source
      << "\n";
  for (const auto& c : r.classes) {
    char line[256];
    std::snprintf(
        line, sizeof(line), "  %-14s %5s%% %7s %7s %5s %5s %5s%% %4s%% %4s%%%s%s\n", c.name.c_str(),
        fixed(100 * c.accuracy, 1).c_str(), fixed(c.fd).c_str(), fixed(c.fd_floor).c_str(),
        fixed(c.diversity).c_str(), fixed(c.diversity_real).c_str(),
        fixed(100 * c.active_frames, 0).c_str(), fixed(100 * c.active_frames_real, 0).c_str(),
        fixed(100 * c.active_frames_real_scored, 0).c_str(),
        c.mode_collapse ? "  MODE COLLAPSE" : "", c.fills_silence ? "  SOUND OVER SILENCE" : "");
    out << line;
  }
  if (r.fills_silence) {
    out << "warning: the generator paints sound over the data's silences (\"sound\" is the share "
           "of frames with sound, generated against the real train clips)\n";
  }
  const double max_seconds = static_cast<double>(r.length_max_frames) * r.seconds_per_frame;
  out << "\nsound length, s (frames within 60 dB of the peak; real = " << r.test_source
      << " clips at full length; the model's clips hold at most " << fixed(max_seconds)
      << " s = " << r.length_max_frames << " frames)\n";
  out << "  class          median  real    p90   real  within 20 % / 30 %\n";
  for (const auto& c : r.classes) {
    char line[256];
    std::snprintf(line, sizeof(line), "  %-14s %6s %6s %6s %6s  %s\n", c.name.c_str(),
                  fixed(c.length_median * r.seconds_per_frame).c_str(),
                  fixed(c.length_median_real * r.seconds_per_frame).c_str(),
                  fixed(c.length_p90 * r.seconds_per_frame).c_str(),
                  fixed(c.length_p90_real * r.seconds_per_frame).c_str(),
                  c.length_ok ? "yes" : "NO");
    out << line;
  }
}

void run(const EvaluateArgs& args) {
  configure_threads(args.threads);
  Sampler sampler = Sampler::load(args.checkpoint);
  const ChosenVocoder vocoder = use_vocoder_flag(args.vocoder, sampler);
  eval::ReferenceOptions ref_options;
  ref_options.data_root = args.data;
  ref_options.cache_dir = args.cache;
  ref_options.test_split = args.split;
  ref_options.threads = args.threads;
  std::string last_stage;
  // A live line on a terminal; otherwise one line per stage and at its end, so logs stay readable.
  ProgressLine line(stderr);
  auto progress = [&last_stage, &line](const eval::EvaluationProgress& p) {
    const bool new_stage = p.stage != last_stage;
    if (new_stage && line.tty() && !last_stage.empty()) std::cerr << "\n";
    last_stage = p.stage;
    const std::string detail =
        p.detail.empty() || p.stage.rfind("cache", 0) == 0 ? "" : "  " + p.detail;
    if (line.tty()) {
      line.draw(p.stage + " " + std::to_string(p.done) + "/" + std::to_string(p.total) + detail,
                new_stage || p.done == p.total);
    } else if (new_stage || p.done == p.total) {
      std::cerr << p.stage << " " << p.done << "/" << p.total << "\n";
    }
  };
  const eval::EvaluationReference reference =
      eval::prepare_reference(sampler.frontend(), sampler.class_names(), ref_options, progress);

  eval::EvaluationOptions options =
      args.quick ? eval::quick_options(args.seed) : eval::EvaluationOptions{};
  if (!args.quick) options.count_per_class = args.count;
  options.seed = args.seed;
  options.griffin_lim.iterations = args.iterations;
  options.vocoder = vocoder.function;
  options.vocoder_name = vocoder.name;
  if (!args.quick) options.reconstruction_per_class = args.reconstruction;
  options.ndb_k = args.ndb_k;
  const double truncation = args.truncation < 0 ? sampler.default_truncation() : args.truncation;
  const eval::GeneratedSource source =
      eval::source_from_sampler(sampler, options.griffin_lim, truncation);
  eval::EvaluationReport report = eval::evaluate(source, reference, options, progress);
  report.truncation = truncation;
  if (line.tty()) std::cerr << "\n";
  report.checkpoint = args.checkpoint;
  report.data_root = args.data;

  const std::string out_dir = args.out.empty() ? default_out_dir(args.checkpoint) : args.out;
  const eval::ReportFiles files = eval::write_report(report, out_dir);
  print_summary(report, std::cout);
  std::cout << "\nreport: " << files.markdown << "\n        " << files.json << "\n";
  for (const auto& f : files.figures) std::cout << "        " << f << "\n";
}

}  // namespace

void add_evaluate_command(CLI::App& app) {
  auto args = std::make_shared<EvaluateArgs>();
  auto* command = app.add_subcommand(
      "evaluate",
      "Measure a checkpoint's generated sounds against real data: conditional accuracy, Inception "
      "Score, Fréchet distance, NDB/K, diversity and vocoder quality, through a classifier "
      "trained on the real train split (cached).\n"
      "Example: audiogan evaluate --checkpoint runs/drums/checkpoints/last.pt --data data/drums");
  command->add_option("--checkpoint", args->checkpoint, "Checkpoint written by train")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("--data", args->data, "Dataset root (<root>/train/<class>/, optional test/)")
      ->required()
      ->check(CLI::ExistingDirectory);
  command->add_option("--count", args->count, "Generated clips per class, [2, inf)")
      ->capture_default_str()
      ->check(CLI::Range(2, 1000000));
  command->add_option("--out", args->out,
                      "Report folder; default <run dir>/eval next to the checkpoint");
  command->add_option("--seed", args->seed, "Seed of the latents and vocoder phases")
      ->capture_default_str();
  command
      ->add_option("--truncation", args->truncation,
                   "Truncation trick, as generate --truncation: resample latent components "
                   "beyond +-T; 0 = off; default: the model's (0.85 for --arch default, off for "
                   "--arch seed and for --loss wgan-gp models)")
      ->check(CLI::Range(0.0, 10.0));
  command
      ->add_option("--split", args->split,
                   "The real split to score against, <data>/<split>/<class>/; choose settings on "
                   "a validation split (val) and report on test. 'test' falls back to a held-out "
                   "10% of train when <data>/test is missing; any other name must exist")
      ->capture_default_str();
  command->add_option("--cache", args->cache, "Cache folder; default <data>/.audiogan-cache");
  add_vocoder_flag(*command, args->vocoder);
  command->add_option("--iters", args->iterations, "Griffin-Lim iterations, [1, 1000]")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  command
      ->add_option("--reconstruction", args->reconstruction,
                   "Real test clips per class re-synthesised by the vocoder and measured against "
                   "their waveforms (spectral convergence, log-spectral distance); 0 skips the "
                   "vocoder check (also the scores of real test clips through the vocoder)")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
  command->add_option("--ndb-bins", args->ndb_k, "NDB bins; 0 = real train clips / 20 in [2, 50]")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
  command->add_flag("--quick", args->quick,
                    "16 clips per class, no vocoder check (as in training)");
  add_threads_flag(*command, args->threads);
  command->callback([args] { run(*args); });
}

}  // namespace audiogan::cli
