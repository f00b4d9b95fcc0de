// Each subcommand lives in its own file and registers itself on the root app.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

#include "core/config.h"
#include "dsp/vocoder.h"

namespace audiogan {
class Sampler;
}

namespace audiogan::cli {

void add_mel_command(CLI::App& app);
void add_vocode_command(CLI::App& app);
void add_prepare_command(CLI::App& app);
void add_train_command(CLI::App& app);
void add_train_vocoder_command(CLI::App& app);
void add_generate_command(CLI::App& app);
void add_export_command(CLI::App& app);
void add_evaluate_command(CLI::App& app);
void add_serve_command(CLI::App& app);
void add_bench_command(CLI::App& app);

// The front-end flags (--sample-rate, --n-fft, --win-length, --hop, --n-mels, --frames, --f-min,
// --f-max, --mel-scale, --mel-norm) shared by every command that reads audio. `frames_help`
// says what --frames 0 means to this command.
inline constexpr const char* kFramesKeepHelp =
    "Pad with silence or truncate to this many frames; 0 keeps the clip's length";
inline constexpr const char* kFramesFitHelp =
    "Pad with silence or truncate to this many frames (a multiple of 16 for training); 0 = fit "
    "to the data: the 55th percentile of the clips' sound length, or 512 for --arch seed";
void add_frontend_flags(CLI::App& command, FrontendConfig& frontend,
                        const char* frames_help = kFramesKeepHelp);

// The front-end flags add_frontend_flags registered on `command`, each with how to copy its value
// from `staged` (the struct they were bound to, which must outlive the setters) into a config's
// front end; commands apply the setters of the flags the user gave.
struct FrontendFlag {
  CLI::Option* option;
  std::function<void(FrontendConfig&)> apply;
};
std::vector<FrontendFlag> frontend_flags(CLI::App& command, const FrontendConfig& staged);

// The data-parallel flags of train and train-vocoder (--accumulate, --dist-backend,
// --dist-timeout), bound to the same-named members of `Config`. `add(name, member, help)`
// registers one the way the command registers its other resume-safe config flags.
template <typename Config, typename AddFlag>
void add_data_parallel_flags(CLI::App& command, AddFlag add) {
  add("--accumulate", &Config::accumulate,
      "Micro-batches of --batch per optimiser step (gradient accumulation), [1, 1024]; K on one "
      "process makes the update K torchrun processes make");
  add("--dist-backend", &Config::dist_backend,
      "Under torchrun: collectives {auto, gloo, nccl}; auto = nccl on CUDA, else gloo");
  command.get_option("--dist-backend")->check(CLI::IsMember({"auto", "gloo", "nccl"}));
  add("--dist-timeout", &Config::dist_timeout_s,
      "Under torchrun: seconds a collective waits for the other ranks before the run fails "
      "naming the rank, (0, inf)");
}

// --vocoder, shared by the commands that make audio from log-mels: "griffin-lim" or a folder
// (or checkpoint) written by `audiogan train-vocoder`; with `run_default`, also "auto" (the
// default): the vocoder the run was trained with (`train --vocoder`), else griffin-lim.
void add_vocoder_flag(CLI::App& command, std::string& vocoder, bool run_default = true);
// The vocoder --vocoder names, for log-mels of `frontend`: an empty function for griffin-lim
// (the caller's Griffin-Lim settings apply), else the loaded vocoder; `name` is what reports
// print. Throws DataError when the vocoder was trained for another front end, naming both values.
struct ChosenVocoder {
  dsp::MelVocoder function;
  std::string name = "griffin-lim";
};
ChosenVocoder choose_vocoder(const std::string& vocoder, const FrontendConfig& frontend,
                             const std::string& device = "cpu");
// choose_vocoder for a loaded model, "auto" resolved to its run's vocoder, and given to it
// (Sampler::use_vocoder). A recorded vocoder that cannot be loaded is an error saying so.
ChosenVocoder use_vocoder_flag(const std::string& vocoder, Sampler& sampler,
                               const std::string& device = "cpu");

// --threads, shared by every command that computes.
void add_threads_flag(CLI::App& command, int& threads);

}  // namespace audiogan::cli
