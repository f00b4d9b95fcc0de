// Collapse monitor (see collapse_monitor.h).
#include "train/collapse_monitor.h"

#include <cmath>
#include <iomanip>
#include <sstream>

namespace audiogan {
namespace {

// Mean RMS distance over distinct pairs of rows of x [n, D]; 0 when n < 2.
double mean_pairwise_rms(const torch::Tensor& x) {
  const int64_t n = x.size(0);
  if (n < 2) return 0.0;
  auto distances = torch::cdist(x.unsqueeze(0), x.unsqueeze(0)).squeeze(0);  // [n, n]
  const double sum = distances.sum().item<double>();                         // diagonal is 0
  return sum / double(n * (n - 1)) / std::sqrt(double(x.size(1)));
}

std::string percent(double share) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(1) << 100.0 * share << "%";
  return out.str();
}

std::string number(double value) {
  std::ostringstream out;
  out << std::setprecision(3) << value;
  return out.str();
}

nlohmann::json stats_json(const OutputStats& s) {
  return {{"active_frames", s.active_frames},
          {"class_distance", s.class_distance},
          {"diversity", s.diversity},
          {"count", s.count}};
}

}  // namespace

double active_frame_share(const torch::Tensor& log_mels, double silence_threshold) {
  torch::NoGradGuard no_grad;
  if (log_mels.size(0) == 0) return 0.0;
  const auto loudest = std::get<0>(log_mels.detach().to(torch::kFloat).max(/*dim=*/1));  // [N, F]
  return (loudest > silence_threshold).to(torch::kFloat).mean().item<double>();
}

OutputStats measure_outputs(const torch::Tensor& log_mels, const torch::Tensor& labels,
                            int num_classes, double silence_threshold) {
  torch::NoGradGuard no_grad;
  OutputStats stats;
  auto x = log_mels.detach().to(torch::kCPU, torch::kFloat);  // [N, M, F]
  auto y = labels.detach().to(torch::kCPU, torch::kLong);     // [N]
  stats.count = x.size(0);
  if (stats.count == 0) return stats;
  stats.active_frames = active_frame_share(x, silence_threshold);
  auto flat = x.reshape({x.size(0), -1});  // [N, M*F]
  std::vector<torch::Tensor> means;
  double diversity_sum = 0;
  int diversity_classes = 0;
  for (int c = 0; c < num_classes; ++c) {
    auto rows = flat.index({y == c});
    if (rows.size(0) == 0) continue;
    means.push_back(rows.mean(0));
    if (rows.size(0) >= 2) {
      diversity_sum += mean_pairwise_rms(rows);
      ++diversity_classes;
    }
  }
  stats.diversity = diversity_classes ? diversity_sum / diversity_classes : 0.0;
  if (means.size() >= 2) stats.class_distance = mean_pairwise_rms(torch::stack(means));
  return stats;
}

nlohmann::json CollapseReport::to_json() const {
  return {{"fake", stats_json(fake)}, {"real", stats_json(real)}, {"warnings", warnings}};
}

CollapseReport check_collapse(const OutputStats& fake, const OutputStats& real, int num_classes,
                              const CollapseThresholds& t) {
  CollapseReport report{fake, real, {}};
  if (real.active_frames > 0 && fake.active_frames < t.min_active_ratio * real.active_frames) {
    report.warnings.push_back("generated log-mels are near-silent: " + percent(fake.active_frames) +
                              " of frames active vs " + percent(real.active_frames) +
                              " in the data");
  }
  if (paints_over_silence(fake.active_frames, real.active_frames, t)) {
    report.warnings.push_back(
        "generated log-mels have sound over the data's silences: " + percent(fake.active_frames) +
        " of frames active vs " + percent(real.active_frames) + " in the data");
  }
  if (real.diversity > 0 && fake.diversity < t.min_diversity_ratio * real.diversity) {
    report.warnings.push_back(
        "samples of one class are nearly identical across latents "
        "(diversity " +
        number(fake.diversity) + " vs " + number(real.diversity) + " in the data)");
  }
  if (num_classes > 1 && real.class_distance > 0 &&
      fake.class_distance < t.min_class_distance_ratio * real.class_distance) {
    report.warnings.push_back(
        "all classes sound nearly the same (distance between class "
        "means " +
        number(fake.class_distance) + " vs " + number(real.class_distance) + " in the data)");
  }
  return report;
}

}  // namespace audiogan
