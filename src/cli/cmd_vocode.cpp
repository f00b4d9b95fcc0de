// `audiogan vocode`: a log-mel .npy (as written by `audiogan mel`) -> a WAV file, by NNLS mel
// inversion and fast Griffin-Lim, or by a vocoder trained with `audiogan train-vocoder`.
#include <chrono>
#include <iostream>
#include <memory>

#include "audio/audio_file.h"
#include "audio/npy_file.h"
#include "cli/commands.h"
#include "core/error.h"
#include "core/threads.h"
#include "dsp/vocoder.h"

namespace audiogan::cli {
namespace {

struct VocodeOptions {
  std::string input;
  std::string output;
  std::string vocoder = "griffin-lim";  // or a folder/checkpoint of train-vocoder
  FrontendConfig frontend;
  dsp::GriffinLimOptions griffin_lim;
  std::string phase_start = dsp::phase_start_name(dsp::GriffinLimOptions{}.start);
  bool zero_init = false;  // the older spelling of --phase-start zero
  bool float_wav = false;
  int threads = 0;
};

std::string shape_of(const torch::Tensor& t) {
  std::string s = "[";
  for (int64_t i = 0; i < t.dim(); ++i) s += (i ? ", " : "") + std::to_string(t.size(i));
  return s + "]";
}

void run_vocode(VocodeOptions options) {
  options.frontend.validate();
  configure_threads(options.threads);
  torch::Tensor log_mel = read_npy(options.input);
  if (log_mel.dim() != 2 || log_mel.size(0) != options.frontend.n_mels || log_mel.size(1) < 1) {
    throw IoError("vocode: " + options.input + ": expected a log-mel of shape [n_mels=" +
                  std::to_string(options.frontend.n_mels) + ", frames], found " +
                  shape_of(log_mel));
  }
  if (!torch::isfinite(log_mel).all().item<bool>()) {
    throw DataError("vocode: " + options.input + ": the log-mel holds NaN or infinite values");
  }
  options.griffin_lim.start = options.zero_init
                                  ? dsp::PhaseStart::zero
                                  : dsp::parse_phase_start(options.phase_start, "--phase-start");
  // Loaded before the clock starts: the time printed is the synthesis alone. A vocoder trained
  // for another front end than the flags describe is an error naming both values.
  const ChosenVocoder learned = choose_vocoder(options.vocoder, options.frontend);
  const auto start = std::chrono::steady_clock::now();
  torch::Tensor audio = learned.function
                            ? learned.function(log_mel, options.griffin_lim.seed)
                            : dsp::log_mel_to_audio(log_mel, options.frontend, options.griffin_lim);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double sc = dsp::mel_spectral_convergence_db(log_mel, audio, options.frontend);
  torch::Tensor samples = audio.contiguous();
  std::vector<float> data(samples.data_ptr<float>(), samples.data_ptr<float>() + samples.numel());
  write_wav(options.output, data, options.frontend.sample_rate,
            options.float_wav ? WavFormat::Float32 : WavFormat::Pcm16);
  std::cout << "wrote " << options.output << ": "
            << static_cast<double>(data.size()) / options.frontend.sample_rate << " s from log-mel "
            << shape_of(log_mel) << " in " << seconds << " s (";
  if (learned.function) {
    std::cout << "vocoder " << learned.name;
  } else {
    std::cout << options.griffin_lim.iterations << " Griffin-Lim iterations";
  }
  std::cout << "); spectral convergence in mel space " << sc << " dB\n";
}

}  // namespace

void add_vocode_command(CLI::App& app) {
  auto options = std::make_shared<VocodeOptions>();
  auto* command = app.add_subcommand(
      "vocode",
      "Turn a log1p mel spectrogram (.npy [n_mels, frames], as written by `audiogan mel`) back "
      "into audio: expm1, non-negative least-squares mel inversion, fast Griffin-Lim; or a vocoder "
      "trained by `audiogan train-vocoder` (--vocoder VOC_DIR). Prints the time taken and the "
      "spectral convergence of the result against the input in mel space.\n"
      "Example: audiogan vocode kick.npy --out kick.wav --iters 64");
  command->add_option("input", options->input, "Log-mel .npy file")->required();
  command->add_option("--out", options->output, "Output WAV path")->required();
  add_vocoder_flag(*command, options->vocoder, /*run_default=*/false);
  command
      ->add_option("--iters", options->griffin_lim.iterations, "Griffin-Lim iterations, [1, inf)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--momentum", options->griffin_lim.momentum,
                   "Fast Griffin-Lim momentum, [0, 1); 0 = plain Griffin-Lim")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.999999));
  CLI::Option* phase_start =
      command
          ->add_option("--phase-start", options->phase_start,
                       "Griffin-Lim's starting phase: pghi (phase-gradient heuristic integration, "
                       "random where the magnitude is 100 dB below its peak), random or zero")
          ->capture_default_str()
          ->check(CLI::IsMember({"pghi", "random", "zero"}));
  command->add_option("--seed", options->griffin_lim.seed, "Seed of the random initial phase")
      ->capture_default_str();
  command->add_flag("--zero-init", options->zero_init, "Same as --phase-start zero")
      ->excludes(phase_start);
  command->add_flag("--float", options->float_wav, "Write 32-bit float WAV instead of 16-bit PCM");
  add_frontend_flags(*command, options->frontend);
  add_threads_flag(*command, options->threads);
  command->callback([options] { run_vocode(*options); });
}

}  // namespace audiogan::cli
