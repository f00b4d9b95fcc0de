// `audiogan mel`: one audio file -> its log-mel as a float32 .npy [n_mels, frames].
#include <chrono>
#include <iostream>
#include <memory>

#include "audio/audio_file.h"
#include "audio/npy_file.h"
#include "cli/commands.h"
#include "core/threads.h"
#include "dsp/mel.h"

namespace audiogan::cli {
namespace {

struct MelOptions {
  std::string input;
  std::string output;
  FrontendConfig frontend;
  int threads = 0;
};

void run_mel(const MelOptions& options) {
  options.frontend.validate();
  configure_threads(options.threads);
  const auto start = std::chrono::steady_clock::now();
  AudioClip clip = read_audio(options.input, options.frontend.sample_rate);
  torch::Tensor wave = torch::from_blob(
      clip.samples.data(), {static_cast<int64_t>(clip.samples.size())}, torch::kFloat32);
  torch::Tensor mel = dsp::log_mel(wave, options.frontend);  // [n_mels, frames]
  write_npy(options.output, mel);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "wrote " << options.output << ": log-mel [" << mel.size(0) << ", " << mel.size(1)
            << "] of " << options.input << " ("
            << static_cast<double>(clip.samples.size()) / options.frontend.sample_rate
            << " s of audio) in " << seconds << " s\n";
}

}  // namespace

void add_mel_command(CLI::App& app) {
  auto options = std::make_shared<MelOptions>();
  auto* command = app.add_subcommand(
      "mel",
      "Compute the log1p mel spectrogram of an audio file (torchaudio MelSpectrogram + log1p) and "
      "write it as a float32 NumPy .npy of shape [n_mels, frames].\n"
      "Example: audiogan mel kick.wav --out kick.npy --frames 0");
  command->add_option("input", options->input, "Audio file (WAV, FLAC, OGG, ...)")->required();
  command->add_option("--out", options->output, "Output .npy path")->required();
  add_frontend_flags(*command, options->frontend);
  add_threads_flag(*command, options->threads);
  command->callback([options] { run_mel(*options); });
}

}  // namespace audiogan::cli
