// `audiogan train-vocoder`: flags and TOML into a VocoderRunConfig, the vocoder trainer's
// callbacks as a progress line (terminal) or one line per epoch, SIGINT/SIGTERM turned into a
// clean checkpoint. Under torchrun it is one rank of a data-parallel run, as `train` is.

#include <cstdio>
#include <functional>
#include <memory>

#include "cli/commands.h"
#include "cli/data_parallel_launch.h"
#include "cli/progress_line.h"
#include "cli/stop_signal.h"
#include "core/error.h"
#include "train/trainer.h"
#include "vocoder/vocoder_trainer.h"

namespace audiogan::cli {
namespace {

struct TrainVocoderFlags {
  std::string data, out, config_file;
  bool resume = false;
  VocoderRunConfig staged;  // flag values; each is applied only when the flag was given
  struct Override {
    CLI::Option* option;
    std::function<void(VocoderRunConfig&)> apply;
    bool resumable;
  };
  std::vector<Override> overrides;
  CLI::Option* arch = nullptr;  // --arch, whose recipe's defaults the others start from
};

template <typename T>
void vocoder_flag(CLI::App* cmd, const std::shared_ptr<TrainVocoderFlags>& f,
                  const std::string& name, T VocoderConfig::*field, const std::string& help,
                  bool resumable = false) {
  auto* option = cmd->add_option(name, f->staged.vocoder.*field, help)->capture_default_str();
  TrainVocoderFlags* flags = f.get();
  f->overrides.push_back(
      {option,
       [flags, field](VocoderRunConfig& c) { c.vocoder.*field = flags->staged.vocoder.*field; },
       resumable});
}

// "--epochs, --max-steps, ...": the flags that may change on --resume.
std::string resumable_flags(const TrainVocoderFlags& f) {
  std::string list;
  for (const auto& o : f.overrides) {
    if (o.resumable) list += (list.empty() ? "" : ", ") + o.option->get_name();
  }
  return list;
}

VocoderRunConfig resolve_config(const TrainVocoderFlags& f, const VocoderResumeInfo* resume) {
  VocoderRunConfig config;
  const std::string arch = f.arch->count() > 0 ? f.staged.vocoder.arch : "";
  if (resume) {
    config = resume->config;
  } else if (!f.config_file.empty()) {
    config = VocoderRunConfig::from_toml_file(f.config_file, arch);
  } else {
    config.vocoder = VocoderConfig::for_arch(arch.empty() ? "vocos" : arch);
  }
  for (const auto& o : f.overrides) {
    if (o.option->count() == 0) continue;
    if (resume && !o.resumable) {
      throw ConfigError("train-vocoder: " + o.option->get_name() +
                        " cannot change when resuming (the checkpoint fixes it); allowed with "
                        "--resume: " +
                        resumable_flags(f));
    }
    o.apply(config);
  }
  config.validate();
  return config;
}

void print_step(const VocoderStepEvent& e, ProgressLine& line) {
  if (!line.tty()) return;
  line.draw(formatted("epoch %lld/%lld step %lld (%lld/%lld)  loss %.4f  mel %.4f  sc %.4f  "
                      "mag %.4f  %.0f s",
                      static_cast<long long>(e.epoch), static_cast<long long>(e.epochs),
                      static_cast<long long>(e.step), static_cast<long long>(e.step_in_epoch),
                      static_cast<long long>(e.steps_per_epoch), e.loss, e.mel_l1, e.stft_sc,
                      e.stft_log_magnitude, e.seconds) +
                (e.phase > 0 ? formatted("  phase %.4f", e.phase) : std::string()) +
                (e.discriminator > 0 ? formatted("  d %.3f  adv %.3f  fm %.3f", e.discriminator,
                                                 e.adversarial, e.feature_matching)
                                     : std::string()),
            e.step_in_epoch >= e.steps_per_epoch);
}

void print_epoch(const VocoderEpochEvent& e, ProgressLine& line) {
  const auto& m = e.metrics;
  line.clear();
  std::printf("epoch %lld/%lld step %lld  loss %.4f  mel %.4f  %.0f s",
              static_cast<long long>(e.epoch), static_cast<long long>(e.epochs),
              static_cast<long long>(m.value("step", 0LL)), m.value("loss", 0.0),
              m.value("mel_l1", 0.0), m.value("seconds", 0.0));
  if (m.contains("discriminator_loss")) {
    std::printf("  d %.3f adv %.3f fm %.3f", m.value("discriminator_loss", 0.0),
                m.value("adversarial", 0.0), m.value("feature_matching", 0.0));
  }
  if (m.contains("eval")) {
    const auto& v = m["eval"];
    const auto& g = m["griffin_lim"];
    std::printf("  %s clips: SC %.2f dB LSD %.2f dB (Griffin-Lim %.2f / %.2f)",
                v.value("held_out", false) ? "held-out" : "training", v.value("sc_db", 0.0),
                v.value("lsd_db", 0.0), g.value("sc_db", 0.0), g.value("lsd_db", 0.0));
  }
  std::printf("\n");
  std::fflush(stdout);
}

void run_train_vocoder(const TrainVocoderFlags& f) {
  auto line = std::make_shared<ProgressLine>(stdout);
  if (f.out.empty()) throw ConfigError("train-vocoder: --out VOC_DIR is required");
  VocoderTrainerOptions options;
  options.out_dir = f.out;
  std::unique_ptr<VocoderResumeInfo> resume;
  if (f.resume) {
    resume = std::make_unique<VocoderResumeInfo>(read_vocoder_resume_info(f.out));
    options.resume = true;
    options.data_root = f.data.empty() ? resume->data_root : f.data;
  } else {
    if (f.data.empty()) throw ConfigError("train-vocoder: --data ROOT is required");
    options.data_root = f.data;
  }
  options.config = resolve_config(f, resume.get());
  const StopSignal stop_signal;
  options.stop = stop_signal.stop_requested();
  options.callbacks.on_status = [](const std::string& text) {
    std::printf("%s\n", text.c_str());
    std::fflush(stdout);
  };
  options.callbacks.on_warning = [line](const std::string& text) {
    line->clear();
    std::fprintf(stderr, "audiogan: warning: %s\n", text.c_str());
  };
  options.callbacks.on_step = [line](const VocoderStepEvent& e) { print_step(e, *line); };
  options.callbacks.on_epoch = [line](const VocoderEpochEvent& e) { print_epoch(e, *line); };
  // Under torchrun this process is one rank of many (docs/training.md); rank 0 alone owns the
  // folder and prints.
  const dist::LaunchEnv launch = dist::LaunchEnv::from_environment();
  const bool root = launch.rank == 0;
  if (!root) options.callbacks = {};
  const auto& v = options.config.vocoder;
  DataParallelSettings parallel;
  parallel.backend = v.dist_backend;
  parallel.timeout_s = v.dist_timeout_s;
  parallel.cuda = launch.distributed() && resolve_device(v.device).is_cuda();
  parallel.batch = v.batch;
  parallel.accumulate = v.accumulate;
  const std::unique_ptr<dist::ProcessGroup> group = connect_data_parallel(launch, parallel);
  options.group = group.get();

  const VocoderTrainResult result = train_vocoder(options);
  if (!root) return;
  line->clear();
  std::printf("\nstopped by %s after %lld epochs (%lld steps)\n", result.stopped_by.c_str(),
              static_cast<long long>(result.epochs_done), static_cast<long long>(result.step));
  std::printf("vocoder folder: %s\n", result.out_dir.c_str());
  std::printf("  audio:      %s/audio/epoch_XXX/<clip>_{original,vocoder}.wav\n",
              result.out_dir.c_str());
  std::printf("  metrics:    %s/metrics.jsonl\n", result.out_dir.c_str());
  std::printf("  checkpoint: %s\n", result.checkpoint.c_str());
  std::printf("use it:       audiogan vocode MEL.npy --out OUT.wav --vocoder %s\n",
              result.out_dir.c_str());
  std::printf("continue:     audiogan train-vocoder --out %s --resume --time-budget SECONDS\n",
              result.out_dir.c_str());
}

}  // namespace

void add_train_vocoder_command(CLI::App& app) {
  auto f = std::make_shared<TrainVocoderFlags>();
  auto* cmd = app.add_subcommand(
      "train-vocoder",
      "Train a learned vocoder (log-mel -> audio) on the training split's audio, with the same "
      "front end as the GAN's cache. --arch vocos (default, for the CPU): a Vocos-style ConvNeXt "
      "at the frame rate with an inverse-STFT head, by multi-resolution STFT and mel L1 losses. "
      "--arch hifigan: HiFi-GAN's generator (--hifigan v1|v2|v3) against its multi-period and "
      "multi-scale discriminators, with the paper's recipe as defaults (lr 2e-4, lr decay 0.999 "
      "per epoch, mel weight 45, least-squares and feature-matching losses); hop 256 only. "
      "--adversarial on adds those discriminators to vocos too. Each epoch re-synthesises a few "
      "held-out clips and reports their spectral convergence and log-spectral distance beside "
      "Griffin-Lim's. Runs data-parallel under torchrun, as train does.\n"
      "Example: audiogan train-vocoder --data data/drums --out runs/drums-vocoder "
      "--time-budget 900");
  cmd->add_option("--data", f->data, "Dataset root (ROOT/train/<class>/...)");
  cmd->add_option("--out", f->out, "Vocoder folder (checkpoints, metrics, audio)");
  cmd->add_flag("--resume", f->resume, "Continue from OUT/checkpoints/last.pt");
  cmd->add_option("--config", f->config_file,
                  "TOML with [frontend] and [vocoder] tables; flags override it");
  vocoder_flag(cmd, f, "--arch", &VocoderConfig::arch,
               "{vocos, hifigan}; the other flags' defaults are vocos's, hifigan's where noted");
  f->arch = cmd->get_option("--arch");
  vocoder_flag(cmd, f, "--hifigan", &VocoderConfig::hifigan,
               "HiFi-GAN configuration {v1, v2, v3} (--arch hifigan)");
  vocoder_flag(cmd, f, "--hifigan-channels", &VocoderConfig::hifigan_channels,
               "HiFi-GAN's first upsampling channels (v1 512, v2 128, v3 256); 0 = the "
               "configuration's");
  vocoder_flag(cmd, f, "--dim", &VocoderConfig::dim, "Backbone channels, [8, 2048] (vocos)");
  vocoder_flag(cmd, f, "--blocks", &VocoderConfig::blocks, "ConvNeXt blocks, [1, 64]");
  vocoder_flag(cmd, f, "--intermediate", &VocoderConfig::intermediate,
               "Pointwise hidden width per block, [8, 8192]");
  vocoder_flag(cmd, f, "--magnitude", &VocoderConfig::magnitude,
               "{direct, prior}: vocos's head predicts the log-magnitude (direct) or a "
               "correction to the mel pseudo-inverse's (prior)");
  vocoder_flag(cmd, f, "--phase", &VocoderConfig::phase,
               "{direct, integrated}: vocos's head predicts each frame's phase (direct) or also "
               "its advance per frame, summed over time (integrated)");
  vocoder_flag(cmd, f, "--segment-frames", &VocoderConfig::segment_frames,
               "Frames per training segment, [2, 4096]");
  vocoder_flag(cmd, f, "--batch", &VocoderConfig::batch, "Segments per step, [1, 4096]");
  vocoder_flag(cmd, f, "--steps-per-epoch", &VocoderConfig::steps_per_epoch,
               "Steps per epoch (an epoch ends with a checkpoint and held-out audio)");
  vocoder_flag(cmd, f, "--epochs", &VocoderConfig::epochs, "Epochs, [1, inf)", true);
  vocoder_flag(cmd, f, "--max-steps", &VocoderConfig::max_steps,
               "Stop after this many steps in total; 0 = no limit", true);
  vocoder_flag(cmd, f, "--lr", &VocoderConfig::lr, "AdamW learning rate, (0, 1); hifigan 2e-4");
  vocoder_flag(cmd, f, "--lr-decay", &VocoderConfig::lr_decay,
               "Learning rates x this per epoch, (0, 1]; hifigan 0.999");
  vocoder_flag(cmd, f, "--mel-weight", &VocoderConfig::mel_weight,
               "Weight of the mel L1 loss; hifigan 45");
  vocoder_flag(cmd, f, "--stft-weight", &VocoderConfig::stft_weight,
               "Weight of the multi-resolution STFT loss; hifigan 0");
  vocoder_flag(cmd, f, "--phase-weight", &VocoderConfig::phase_weight,
               "Weight of the phase-derivative loss (instantaneous frequency and group delay "
               "against the original's); 0 = off");
  vocoder_flag(cmd, f, "--adversarial", &VocoderConfig::adversarial,
               "HiFi-GAN's discriminators {auto, on, off}; auto = on for hifigan only; may be "
               "turned on when resuming (the discriminators then start untrained)",
               true);
  vocoder_flag(cmd, f, "--adversarial-from", &VocoderConfig::adversarial_from,
               "First step with the adversarial terms (a reconstruction-only phase before it)",
               true);
  vocoder_flag(cmd, f, "--adversarial-weight", &VocoderConfig::adversarial_weight,
               "Weight of the least-squares adversarial loss");
  vocoder_flag(cmd, f, "--feature-weight", &VocoderConfig::feature_weight,
               "Weight of the feature-matching loss (itself 2 x the L1 sum, as HiFi-GAN's)");
  vocoder_flag(cmd, f, "--eval-clips", &VocoderConfig::eval_clips,
               "Held-out clips re-synthesised and measured every epoch, [0, 1000]");
  vocoder_flag(cmd, f, "--time-budget", &VocoderConfig::time_budget_s,
               "Stop (and checkpoint) after this many seconds of this process; 0 = none", true);
  vocoder_flag(cmd, f, "--seed", &VocoderConfig::seed, "Seed of the weights and the segments");
  vocoder_flag(cmd, f, "--device", &VocoderConfig::device, "{auto, cpu, cuda}", true);
  vocoder_flag(cmd, f, "--amp", &VocoderConfig::amp,
               "{off, bf16}: bf16 autocast of the vocoder network (iSTFT, losses and "
               "discriminators stay float32)",
               true);
  vocoder_flag(cmd, f, "--threads", &VocoderConfig::threads, "Intra-op threads; 0 = every core",
               true);
  add_data_parallel_flags<VocoderConfig>(*cmd,
                                         [&](const char* name, auto member, const char* help) {
                                           vocoder_flag(cmd, f, name, member, help, true);
                                         });
  add_frontend_flags(*cmd, f->staged.frontend);
  for (auto& flag : frontend_flags(*cmd, f->staged.frontend)) {
    f->overrides.push_back(
        {flag.option, [apply = flag.apply](VocoderRunConfig& c) { apply(c.frontend); }, false});
  }
  cmd->callback([f] { run_train_vocoder(*f); });
}

}  // namespace audiogan::cli
