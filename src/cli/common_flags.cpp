// Flags shared by several subcommands.
#include "cli/commands.h"

#include "core/error.h"
#include "infer/sampler.h"
#include "vocoder/vocoder_checkpoint.h"

namespace audiogan::cli {

void add_frontend_flags(CLI::App& command, FrontendConfig& frontend, const char* frames_help) {
  command
      .add_option("--sample-rate", frontend.sample_rate,
                  "Sample rate in Hz, audio is resampled to it")
      ->capture_default_str()
      ->group("Front end");
  command.add_option("--n-fft", frontend.n_fft, "FFT size, [16, 65536]")
      ->capture_default_str()
      ->group("Front end");
  command.add_option("--win-length", frontend.win_length, "Hann window length, [1, n_fft]")
      ->capture_default_str()
      ->group("Front end");
  command.add_option("--hop", frontend.hop_length, "Hop length in samples, [1, win_length]")
      ->capture_default_str()
      ->group("Front end");
  command.add_option("--n-mels", frontend.n_mels, "Mel bins, [1, n_fft/2+1]")
      ->capture_default_str()
      ->group("Front end");
  command.add_option("--frames", frontend.frames, frames_help)
      ->capture_default_str()
      ->group("Front end");
  command.add_option("--f-min", frontend.f_min, "Lowest mel frequency in Hz")
      ->capture_default_str()
      ->group("Front end");
  command.add_option("--f-max", frontend.f_max, "Highest mel frequency in Hz; 0 = sample_rate/2")
      ->capture_default_str()
      ->group("Front end");
  command.add_option("--mel-scale", frontend.mel_scale, "Mel scale")
      ->check(CLI::IsMember({"htk", "slaney"}))
      ->capture_default_str()
      ->group("Front end");
  command.add_option("--mel-norm", frontend.mel_norm, "Mel filter normalisation")
      ->check(CLI::IsMember({"none", "slaney"}))
      ->capture_default_str()
      ->group("Front end");
}

void add_vocoder_flag(CLI::App& command, std::string& vocoder, bool run_default) {
  const std::string help =
      run_default ? "auto (the vocoder the run was trained with, train --vocoder, else "
                    "griffin-lim), griffin-lim, or a folder (or checkpoint) written by `audiogan "
                    "train-vocoder` for the same front end"
                  : "griffin-lim, or a folder (or checkpoint) written by `audiogan "
                    "train-vocoder` for the same front end";
  command.add_option("--vocoder", vocoder, help)->capture_default_str();
}

ChosenVocoder choose_vocoder(const std::string& vocoder, const FrontendConfig& frontend,
                             const std::string& device) {
  if (vocoder == "griffin-lim") return {};
  const LoadedVocoder loaded = load_vocoder_for(
      vocoder, frontend, torch::Device(device == "cuda" ? torch::kCUDA : torch::kCPU));
  return {as_mel_vocoder(loaded), loaded.path};
}

ChosenVocoder use_vocoder_flag(const std::string& vocoder, Sampler& sampler,
                               const std::string& device) {
  ChosenVocoder chosen;
  if (vocoder == "auto" && sampler.recorded_vocoder() != "griffin-lim") {
    try {
      chosen = choose_vocoder(sampler.recorded_vocoder(), sampler.frontend(), device);
    } catch (const Error& error) {
      throw DataError(std::string(error.what()) +
                      " (the vocoder the run was trained with; --vocoder griffin-lim or another "
                      "vocoder folder replaces it)");
    }
  } else if (vocoder != "auto") {
    chosen = choose_vocoder(vocoder, sampler.frontend(), device);
  }
  sampler.use_vocoder(chosen.function, chosen.name);
  return chosen;
}

void add_threads_flag(CLI::App& command, int& threads) {
  command.add_option("--threads", threads, "Intra-op threads; 0 = every core")
      ->capture_default_str();
}

std::vector<FrontendFlag> frontend_flags(CLI::App& command, const FrontendConfig& staged) {
  std::vector<FrontendFlag> out;
  auto add = [&](const char* name, auto field) {  // field: T FrontendConfig::*
    out.push_back({command.get_option(name),
                   [&staged, field](FrontendConfig& c) { c.*field = staged.*field; }});
  };
  add("--sample-rate", &FrontendConfig::sample_rate);
  add("--n-fft", &FrontendConfig::n_fft);
  add("--win-length", &FrontendConfig::win_length);
  add("--hop", &FrontendConfig::hop_length);
  add("--n-mels", &FrontendConfig::n_mels);
  add("--frames", &FrontendConfig::frames);
  add("--f-min", &FrontendConfig::f_min);
  add("--f-max", &FrontendConfig::f_max);
  add("--mel-scale", &FrontendConfig::mel_scale);
  add("--mel-norm", &FrontendConfig::mel_norm);
  return out;
}

}  // namespace audiogan::cli
