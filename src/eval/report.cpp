// report.json, report.md and the figures of an evaluation.
#include "eval/report.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/error.h"
#include "eval/report_figures.h"
#include "eval/sound_length.h"

namespace audiogan::eval {
namespace {

using nlohmann::json;

json number(double v) {
  return std::isfinite(v) ? json(v) : json(nullptr);
}

std::string fmt(double v, int digits = 2) {
  if (!std::isfinite(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

std::string percent(double v) {
  return std::isfinite(v) ? fmt(100.0 * v, 1) + "%" : "n/a";
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream file(path);
  file << text;
  if (!file) throw IoError("evaluate: cannot write " + path);
}

}  // namespace

std::string report_json(const EvaluationReport& r) {
  json classes = json::array();
  for (const auto& c : r.classes) {
    classes.push_back(
        {{"name", c.name},
         {"generated", c.generated},
         {"real_test", c.real_test},
         {"conditional_accuracy", number(c.accuracy)},
         {"fd", number(c.fd)},
         {"fd_floor", number(c.fd_floor)},
         {"diversity", number(c.diversity)},
         {"diversity_real", number(c.diversity_real)},
         {"mode_collapse", c.mode_collapse},
         {"active_frames", number(c.active_frames)},
         {"active_frames_real", number(c.active_frames_real)},
         {"active_frames_real_scored", number(c.active_frames_real_scored)},
         {"fills_silence", c.fills_silence},
         {"length_median", number(c.length_median)},
         {"length_p90", number(c.length_p90)},
         {"length_median_real", number(c.length_median_real)},
         {"length_p90_real", number(c.length_p90_real)},
         {"length_median_seconds", number(c.length_median * r.seconds_per_frame)},
         {"length_p90_seconds", number(c.length_p90 * r.seconds_per_frame)},
         {"length_median_real_seconds", number(c.length_median_real * r.seconds_per_frame)},
         {"length_p90_real_seconds", number(c.length_p90_real * r.seconds_per_frame)},
         {"length_ok", c.length_ok}});
  }
  std::vector<std::vector<int64_t>> matrix;
  if (r.confusion.matrix.defined()) {
    for (int64_t i = 0; i < r.confusion.matrix.size(0); ++i) {
      std::vector<int64_t> row;
      for (int64_t j = 0; j < r.confusion.matrix.size(1); ++j) {
        row.push_back(r.confusion.matrix[i][j].item<int64_t>());
      }
      matrix.push_back(row);
    }
  }
  json out = {
      {"checkpoint", r.checkpoint},
      {"data", r.data_root},
      {"frontend", r.frontend},
      {"classes", r.class_names},
      {"count_per_class", r.count_per_class},
      {"seed", r.seed},
      {"truncation", r.truncation},
      {"quick", r.quick},
      {"seconds", r.seconds},
      {"classifier",
       {{"path", r.classifier_path},
        {"reused", r.classifier_reused},
        {"test_source", r.test_source},
        {"test_count", r.real_test_count},
        {"accuracy", number(r.classifier_accuracy)},
        {"chance", r.chance},
        {"meaningful", r.meaningful}}},
      {"conditional_accuracy", number(r.conditional_accuracy)},
      {"confusion",
       {{"rows", "intended class"}, {"columns", "predicted class"}, {"matrix", matrix}}},
      {"inception_score",
       {{"generated", number(r.is_generated.mean)},
        {"real_test", number(r.is_real_test.mean)},
        {"ratio",
         number(r.is_real_test.mean > 0 ? r.is_generated.mean / r.is_real_test.mean : NAN)}}},
      {"fd",
       {{"generated_vs_test", number(r.fd)},
        {"train_vs_test_floor", number(r.fd_floor)},
        {"ratio_to_floor", number(r.fd_floor > 0 ? r.fd / r.fd_floor : NAN)}}},
      {"ndb",
       {{"k", r.ndb.k}, {"different", r.ndb.different}, {"ndb_over_k", number(r.ndb.ndb_over_k)}}},
      {"mode_collapse", r.mode_collapse},
      {"fills_silence", r.fills_silence},
      {"sound_length",
       {{"measure", "frames up to the last one within 60 dB of the clip's peak"},
        {"generated", "the generator's own log-mels"},
        {"real", r.test_source + " clips at their full length, decoded from the audio files"},
        {"seconds_per_frame", r.seconds_per_frame},
        {"max_frames", r.length_max_frames},
        {"max_seconds", static_cast<double>(r.length_max_frames) * r.seconds_per_frame},
        {"median_tolerance", kLengthMedianTolerance},
        {"p90_tolerance", kLengthP90Tolerance},
        {"ok", r.length_ok}}},
      {"vocoder", r.vocoder},
      {"reconstruction",
       {{"clips", r.reconstruction_clips},
        {"spectral_convergence_db",
         number(r.reconstruction_clips > 0 ? r.reconstruction_sc_db : NAN)},
        {"log_spectral_distance_db",
         number(r.reconstruction_clips > 0 ? r.reconstruction_lsd_db : NAN)}}},
      {"direct",
       {{"accuracy", number(r.direct_accuracy)},
        {"inception_score", number(r.direct_is.mean)},
        {"fd", number(r.direct_fd)},
        {"fd_ratio_to_floor", number(r.fd_floor > 0 ? r.direct_fd / r.fd_floor : NAN)}}},
      {"vocoded_real_test",
       {{"clips", r.vocoded_real_clips},
        {"accuracy", number(r.vocoded_real_clips > 0 ? r.vocoded_real_accuracy : NAN)},
        {"inception_score", number(r.vocoded_real_clips > 0 ? r.vocoded_real_is.mean : NAN)},
        {"fd", number(r.vocoded_real_clips > 0 ? r.vocoded_real_fd : NAN)}}},
      {"per_class", classes}};
  return out.dump(2) + "\n";
}

std::string report_markdown(const EvaluationReport& r) {
  std::ostringstream md;
  md << "# Evaluation" << (r.quick ? " (quick)" : "") << "\n\n";
  md << "- checkpoint: `" << r.checkpoint << "`\n- data: `" << r.data_root << "`\n";
  md << "- " << r.count_per_class << " generated clips per class, seed " << r.seed;
  if (r.truncation > 0) md << ", latents truncated at " << r.truncation;
  md << ", vocoded (" << r.vocoder << ") and re-analysed with the front end `" << r.frontend
     << "`\n";
  md << "- classifier accuracy on real " << r.test_source << " (" << r.real_test_count
     << " clips): **" << percent(r.classifier_accuracy) << "** (chance " << percent(r.chance) << ")"
     << (r.classifier_reused ? ", cached" : ", trained now") << "\n\n";
  if (!r.meaningful) {
    md << "> **Warning: the metrics are not meaningful.** The classifier's accuracy on real "
       << r.test_source
       << " data is below twice chance, so its embeddings and predictions say little about "
          "the generated sounds.\n\n";
  }
  if (r.mode_collapse) {
    md << "> **Mode collapse:** at least one class's generated diversity is below half the real "
          "diversity (see the per-class table).\n\n";
  }
  if (r.fills_silence) {
    md << "> **Sound over silence:** in at least one class the generator's log-mels have sound "
          "in over 10 points more of their frames than the real training clips do (see the "
          "per-class table): it paints noise or sustain where the data is silent.\n\n";
  }
  md << "## Summary\n\n| metric | generated | real reference |\n|---|---|---|\n";
  md << "| conditional accuracy | " << percent(r.conditional_accuracy) << " | "
     << percent(r.classifier_accuracy) << " (classifier on real " << r.test_source << ") |\n";
  md << "| Inception Score | " << fmt(r.is_generated.mean) << " | " << fmt(r.is_real_test.mean)
     << " (real " << r.test_source << ") |\n";
  md << "| Fréchet distance | " << fmt(r.fd) << " | " << fmt(r.fd_floor) << " (real train vs "
     << r.test_source << ", floor) |\n";
  md << "| NDB/K | " << fmt(r.ndb.ndb_over_k) << " (" << r.ndb.different << " of " << r.ndb.k
     << " bins) | ~0.05 expected for real data |\n";
  if (r.reconstruction_clips > 0) {
    md << "| vocoder re-synthesis vs the original waveform | | spectral convergence "
       << fmt(r.reconstruction_sc_db) << " dB, log-spectral distance "
       << fmt(r.reconstruction_lsd_db) << " dB over " << r.reconstruction_clips << " real "
       << r.test_source << " clips |\n";
  }
  if (r.vocoded_real_clips > 0) {
    md << "| real " << r.test_source << " through the vocoder (" << r.vocoded_real_clips
       << " clips) | | accuracy " << percent(r.vocoded_real_accuracy) << ", IS "
       << fmt(r.vocoded_real_is.mean) << ", FD " << fmt(r.vocoded_real_fd)
       << ": the best a generator can score through this vocoder |\n";
  }
  md << "| generator's own log-mels, without the vocoder | | accuracy "
     << percent(r.direct_accuracy) << ", IS " << fmt(r.direct_is.mean) << ", FD "
     << fmt(r.direct_fd) << ": the generator apart from the vocoder |\n";
  md << "\n## Per class\n\nSound length: frames up to the last one within 60 dB of the clip's "
        "peak, generated (the generator's own log-mels) / real ("
     << r.test_source << " clips at their full length, from the audio files), in frames and "
     << "seconds; within target when the median is within " << fmt(100 * kLengthMedianTolerance, 0)
     << " % and the 90th percentile within " << fmt(100 * kLengthP90Tolerance, 0)
     << " % of the real ones. The model's clips have " << r.length_max_frames << " frames ("
     << fmt(static_cast<double>(r.length_max_frames) * r.seconds_per_frame)
     << " s): a fixed-length model's sounds cannot be longer.\n\n";
  md << "| class | accuracy | FD | FD floor | diversity | real diversity | "
        "collapse | frames with sound | real train | real "
     << r.test_source
     << " | sound over silence (vs train) | length median, gen / real | "
        "length p90, gen / real | lengths within target |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  const auto lengths = [&r](double generated, double real) {
    return fmt(generated, 1) + " / " + fmt(real, 1) + " (" + fmt(generated * r.seconds_per_frame) +
           " / " + fmt(real * r.seconds_per_frame) + " s)";
  };
  for (const auto& c : r.classes) {
    md << "| " << c.name << " | " << percent(c.accuracy) << " | " << fmt(c.fd) << " | "
       << fmt(c.fd_floor) << " | " << fmt(c.diversity) << " | " << fmt(c.diversity_real) << " | "
       << (c.mode_collapse ? "**yes**" : "no") << " | " << percent(c.active_frames) << " | "
       << percent(c.active_frames_real) << " | " << percent(c.active_frames_real_scored) << " | "
       << (c.fills_silence ? "**yes**" : "no") << " | "
       << lengths(c.length_median, c.length_median_real) << " | "
       << lengths(c.length_p90, c.length_p90_real) << " | " << (c.length_ok ? "yes" : "**no**")
       << " |\n";
  }
  md << "\n## Confusion matrix (rows: intended class, columns: predicted)\n\n| |";
  for (const auto& n : r.class_names) md << " " << n << " |";
  md << "\n|---|";
  for (size_t i = 0; i < r.class_names.size(); ++i) md << "---|";
  md << "\n";
  for (size_t i = 0; i < r.class_names.size() && r.confusion.matrix.defined(); ++i) {
    md << "| " << r.class_names[i] << " |";
    for (size_t j = 0; j < r.class_names.size(); ++j) {
      md << " "
         << r.confusion.matrix[static_cast<int64_t>(i)][static_cast<int64_t>(j)].item<int64_t>()
         << " |";
    }
    md << "\n";
  }
  md << "\nFormulas: docs/metrics.md. Evaluated in " << fmt(r.seconds, 1) << " s.\n";
  return md.str();
}

ReportFiles write_report(const EvaluationReport& report, const std::string& out_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) throw IoError("evaluate: cannot create " + out_dir + ": " + ec.message());
  ReportFiles files;
  files.json = (fs::path(out_dir) / "report.json").string();
  files.markdown = (fs::path(out_dir) / "report.md").string();
  write_text(files.json, report_json(report));
  write_text(files.markdown, report_markdown(report));
  files.figures = write_report_figures(report, out_dir);
  return files;
}

}  // namespace audiogan::eval
