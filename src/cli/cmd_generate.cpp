// `audiogan generate`: clips of one class from a checkpoint or export, as WAVs plus one PNG of
// their spectrograms; optionally an interpolation between two seeds.
#include <cstdio>
#include <filesystem>

#include "audio/audio_file.h"
#include "audio/pcm16.h"
#include "cli/commands.h"
#include "core/error.h"
#include "core/threads.h"
#include "infer/sampler.h"
#include "render/spectrogram_plot.h"
#include "train/run_dir.h"

namespace audiogan::cli {
namespace {

struct GenerateFlags {
  std::string checkpoint, class_name, out, device = "cpu";
  int count = 4;
  uint64_t seed = 0;
  double truncation = -1.0;  // < 0 = the model's default (Sampler::default_truncation)
  double seconds = 0;        // 0 = each clip's length drawn from its class (variable-length)
  int64_t interpolate = -1;  // second seed; -1 = no interpolation
  int steps = 8;
  int iterations = dsp::GriffinLimOptions{}.iterations;  // as the web page vocodes
  std::string vocoder = "auto";
  int threads = 0;
};

void run_generate(const GenerateFlags& f) {
  Sampler sampler = Sampler::load(f.checkpoint, f.device);
  use_vocoder_flag(f.vocoder, sampler, f.device);
  const int cls = sampler.class_index(f.class_name);
  const std::string name = sampler.class_names()[cls];
  dsp::GriffinLimOptions gl;
  gl.iterations = f.iterations;
  torch::Tensor mels;  // [N, n_mels, frames]
  std::vector<std::vector<float>> clips;
  std::vector<std::string> suffixes;
  if (f.interpolate >= 0) {
    // From clip 0 of --seed to clip 0 of the second seed, along the great circle.
    const torch::Tensor z = slerp_path(
        sampler.latents(1, f.seed, f.truncation)[0],
        sampler.latents(1, static_cast<uint64_t>(f.interpolate), f.truncation)[0], f.steps);
    // Every step at clip 0's length, so only the latent moves along the path.
    torch::Tensor frames;
    const int64_t length = sampler.clip_frames(cls, f.seed, f.seconds);
    if (sampler.variable_length()) frames = torch::full({z.size(0)}, length, torch::kLong);
    mels = sampler.generate_log_mel(z, torch::full({z.size(0)}, cls, torch::kLong), frames);
    gl.seed = f.seed;
    clips = sampler.to_audio(mels, gl);
    for (auto& clip : clips) {
      clip.resize(
          std::min(clip.size(), static_cast<size_t>(length * sampler.frontend().hop_length)));
    }
    for (size_t i = 0; i < clips.size(); ++i) {
      char suffix[32];
      std::snprintf(suffix, sizeof(suffix), "_interp%02zu", i);
      suffixes.push_back(suffix);
    }
  } else {
    // Clip i has seed --seed + i, as on the web page: <class>_seed<N>.wav is what `--seed N
    // --count 1` and the page's seed N give (Sampler::generate_clips).
    std::vector<uint64_t> seeds;
    for (int i = 0; i < f.count; ++i) seeds.push_back(Sampler::clip_seed(f.seed, i));
    Sampler::Clips made = sampler.generate_clips(cls, seeds, f.truncation, gl, f.seconds);
    mels = made.log_mels;
    clips = std::move(made.audio);
    for (uint64_t seed : seeds) suffixes.push_back("_seed" + std::to_string(seed));
  }
  std::filesystem::create_directories(f.out);
  std::vector<std::string> titles;
  const std::string stem = file_safe(name);
  for (size_t i = 0; i < clips.size(); ++i) {
    auto samples = clips[i];
    limit_peak(samples);
    const std::string path = f.out + "/" + stem + suffixes[i] + ".wav";
    write_wav(path, samples, sampler.frontend().sample_rate);
    std::printf("%s\n", path.c_str());
    titles.push_back(name + " " + suffixes[i].substr(1));  // "kick seed12", "kick interp03"
  }
  const std::string png = f.out + "/" + stem + ".png";
  render::plot_spectrogram_grid(mels, titles, sampler.frontend(), png);
  std::printf("%s\n", png.c_str());
}

}  // namespace

void add_generate_command(CLI::App& app) {
  auto f = std::make_shared<GenerateFlags>();
  auto* cmd = app.add_subcommand(
      "generate",
      "Generate clips of one class from a checkpoint (or an export): WAV files and a PNG of "
      "their spectrograms.\nExample: audiogan generate --checkpoint runs/drums/checkpoints/"
      "last.pt --class kick --count 4 --seed 1 --out out/kick");
  cmd->add_option("--checkpoint", f->checkpoint, "RUN_DIR/checkpoints/last.pt or an export")
      ->required();
  cmd->add_option("--class", f->class_name, "Class name or index")->required();
  cmd->add_option("--count", f->count, "Clips to generate, [1, 1024]")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  cmd->add_option("--seed", f->seed,
                  "Seed of the first clip; clip i has seed + i, the clip the web page gives "
                  "for that seed")
      ->capture_default_str();
  cmd->add_option("--out", f->out, "Output folder")->required();
  cmd->add_option(
         "--truncation", f->truncation,
         "Truncation trick: resample latent components beyond +-T; 0 = off; default: "
         "the model's (0.85 for --arch default, off for --arch seed and for --loss wgan-gp "
         "models)")
      ->check(CLI::Range(0.0, 10.0));
  cmd->add_option("--seconds", f->seconds,
                  "Length of every clip in seconds (a model trained with --lengths variable, up "
                  "to its longest clip); default: each clip's length drawn from its class's "
                  "training clips (a fixed-length model: its one length)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--interpolate", f->interpolate,
                  "Second seed: interpolate from --seed to it in --steps clips");
  cmd->add_option("--steps", f->steps, "Interpolation steps, [1, 256]")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  add_vocoder_flag(*cmd, f->vocoder);
  cmd->add_option("--iters", f->iterations, "Griffin-Lim iterations, [1, 1000]")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--device", f->device, "Device {cpu, cuda}")
      ->check(CLI::IsMember({"cpu", "cuda"}))
      ->capture_default_str();
  add_threads_flag(*cmd, f->threads);
  cmd->callback([f] {
    configure_threads(f->threads);
    run_generate(*f);
  });
}

}  // namespace audiogan::cli
