// Per-epoch plots, audio and loss curves (see epoch_outputs.h).
#include "train/epoch_outputs.h"

#include "audio/audio_file.h"
#include "audio/pcm16.h"
#include "render/line_plot.h"
#include "render/spectrogram_plot.h"

namespace audiogan {

std::vector<std::string> write_epoch_samples(const RunDir& run, int64_t epoch,
                                             const torch::Tensor& first_per_class,
                                             const std::vector<std::string>& class_names,
                                             const FrontendConfig& frontend, double vmax,
                                             const dsp::MelVocoder& vocoder, uint64_t seed) {
  std::vector<std::string> written;
  auto mels = first_per_class.detach().to(torch::kCPU, torch::kFloat);  // [C, M, F]
  render::SpectrogramPlotOptions plot;
  plot.vmin = 0.0;
  plot.vmax = vmax;  // the dataset's maximum: epochs share one colour scale
  plot.title = "epoch " + std::to_string(epoch);
  render::plot_spectrogram_grid(mels, class_names, frontend, run.plot(epoch), plot);
  written.push_back(run.plot(epoch));
  const torch::Tensor audio = vocoder(mels, seed);  // [C, T]
  for (size_t c = 0; c < class_names.size(); ++c) {
    auto row = audio[static_cast<int64_t>(c)].contiguous();
    std::vector<float> samples(row.data_ptr<float>(), row.data_ptr<float>() + row.numel());
    limit_peak(samples);
    const auto path = run.audio_clip(class_names[c], epoch);
    write_wav(path, samples, frontend.sample_rate);
    written.push_back(path);
  }
  return written;
}

void write_loss_plot(const RunDir& run, const std::vector<nlohmann::json>& metrics_lines) {
  std::vector<double> steps, g, d;
  render::Series d_real{"D(x)", {}, {}}, d_fake{"D(G(z))", {}, {}};
  for (const auto& line : metrics_lines) {
    if (!line.contains("curve")) continue;
    const auto& curve = line.at("curve");
    const auto s = curve.at("step").get<std::vector<double>>();
    const auto lg = curve.at("loss_g").get<std::vector<double>>();
    const auto ld = curve.at("loss_d").get<std::vector<double>>();
    const auto dr = curve.at("d_real").get<std::vector<double>>();
    const auto df = curve.at("d_fake").get<std::vector<double>>();
    steps.insert(steps.end(), s.begin(), s.end());
    g.insert(g.end(), lg.begin(), lg.end());
    d.insert(d.end(), ld.begin(), ld.end());
    d_real.x.insert(d_real.x.end(), s.begin(), s.end());
    d_real.y.insert(d_real.y.end(), dr.begin(), dr.end());
    d_fake.x.insert(d_fake.x.end(), s.begin(), s.end());
    d_fake.y.insert(d_fake.y.end(), df.begin(), df.end());
  }
  render::loss_plot(steps, g, d, run.loss_plot(), {d_real, d_fake});
}

}  // namespace audiogan
