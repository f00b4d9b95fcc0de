// `audiogan <command> --help` tells the truth about every default: each default it prints is the
// value the config struct behind the flag holds (a flag bound to its own variable once printed
// `--lr` as 0 while training used 2e-4), and no printed default goes unchecked.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "core/config.h"
#include "dsp/vocoder.h"
#include "eval/evaluator.h"
#include "perf/benchmark.h"
#include "run_cli.h"
#include "serve/server.h"
#include "vocoder/vocoder_config.h"

namespace audiogan {
namespace {

using cli_testing::run_cli;

// CLI11 prints a captured default as `--flag TYPE=VALUE`, VALUE streamed with operator<<.
template <typename T>
std::string shown(const T& value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

// Every option line of a help text -> the default it shows ("" when it shows none). CLI11 pads
// "  --name TYPE=VALUE" to 30 columns before the description, or, when that part is longer, puts
// the description on the next line, indented by 30 spaces.
std::map<std::string, std::string> printed_defaults(const std::string& help) {
  constexpr size_t kColumn = 30;
  std::vector<std::string> lines;
  std::istringstream in(help);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::map<std::string, std::string> defaults;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.rfind("  -", 0) != 0) continue;
    const bool description_below = i + 1 < lines.size() &&
                                   lines[i + 1].rfind(std::string(kColumn, ' '), 0) == 0 &&
                                   lines[i + 1].size() > kColumn && lines[i + 1][kColumn] != ' ';
    const std::string opts = description_below ? line : line.substr(0, kColumn);
    const size_t name_start = opts.find_first_not_of(' ');
    const size_t name_end = opts.find(' ', name_start);
    std::string name = opts.substr(name_start, name_end - name_start);
    // "-h,--help" -> "--help"
    if (const size_t comma = name.rfind(','); comma != std::string::npos) name.erase(0, comma + 1);
    std::string value;
    const size_t equals =
        name_end == std::string::npos ? std::string::npos : opts.find('=', name_end);
    if (equals != std::string::npos && opts[equals - 1] != ' ') {
      const size_t end = opts.find(' ', equals);
      value =
          opts.substr(equals + 1, end == std::string::npos ? std::string::npos : end - equals - 1);
    }
    defaults[name] = value;
  }
  return defaults;
}

// Every field of a config struct as the flag that sets it and the default that flag must show,
// read from the struct's to_string() ("key=value ..."), so a field added later is checked too.
// A flag is "--" + the key with '_' as '-', except these.
void add_fields(std::map<std::string, std::string>& expected, const std::string& line) {
  const std::map<std::string, std::string> renamed = {{"hop_length", "--hop"},
                                                      {"keep_checkpoints", "--keep"},
                                                      {"ema_decay", "--ema"},
                                                      {"time_budget_s", "--time-budget"},
                                                      {"dist_timeout_s", "--dist-timeout"}};
  std::istringstream in(line);
  for (std::string field; in >> field;) {
    const size_t equals = field.find('=');
    ASSERT_NE(equals, std::string::npos) << line;
    const std::string key = field.substr(0, equals);
    std::string flag = "--" + key;
    std::replace(flag.begin(), flag.end(), '_', '-');
    if (renamed.count(key)) flag = renamed.at(key);
    expected[flag] = field.substr(equals + 1);
  }
}

struct Command {
  std::string name;
  std::map<std::string, std::string> expected;  // flag -> default from the struct; "" = none
  // Defaults that live in the command alone (no struct holds them): they must be printed.
  std::set<std::string> command_only;
};

std::vector<Command> commands() {
  const TrainConfig train;
  const dsp::GriffinLimOptions griffin_lim;
  const eval::EvaluationOptions evaluation;
  const serve::ServeConfig serve;
  const BenchOptions bench;
  const VocoderConfig voc;
  std::vector<Command> all;

  Command mel{"mel", {{"--threads", shown(train.threads)}}, {}};
  add_fields(mel.expected, FrontendConfig{}.to_string());
  all.push_back(mel);

  Command vocode{"vocode",
                 {{"--iters", shown(griffin_lim.iterations)},
                  {"--momentum", shown(griffin_lim.momentum)},
                  {"--phase-start", dsp::phase_start_name(griffin_lim.start)},
                  {"--seed", shown(griffin_lim.seed)},
                  {"--threads", shown(train.threads)}},
                 {"--vocoder"}};
  add_fields(vocode.expected, FrontendConfig{}.to_string());
  all.push_back(vocode);

  Command prepare{"prepare", {{"--threads", shown(train.threads)}}, {"--split"}};
  add_fields(prepare.expected, Config{}.frontend.to_string());  // training's (frames 0: fitted)
  all.push_back(prepare);

  // Every TrainConfig field and training's front end; --lr sets both rates, so its one default
  // must be each rate's.
  EXPECT_EQ(train.lr_g, train.lr_d);
  Command train_command{"train", {{"--lr", shown(train.lr_g)}}, {}};
  add_fields(train_command.expected, train.to_string());
  add_fields(train_command.expected, Config{}.frontend.to_string());
  all.push_back(train_command);

  Command vocoder{"train-vocoder",
                  {{"--arch", voc.arch},
                   {"--hifigan", voc.hifigan},
                   {"--hifigan-channels", shown(voc.hifigan_channels)},
                   {"--lr-decay", shown(voc.lr_decay)},
                   {"--adversarial", voc.adversarial},
                   {"--adversarial-from", shown(voc.adversarial_from)},
                   {"--adversarial-weight", shown(voc.adversarial_weight)},
                   {"--feature-weight", shown(voc.feature_weight)},
                   {"--dim", shown(voc.dim)},
                   {"--blocks", shown(voc.blocks)},
                   {"--magnitude", voc.magnitude},
                   {"--phase", voc.phase},
                   {"--intermediate", shown(voc.intermediate)},
                   {"--segment-frames", shown(voc.segment_frames)},
                   {"--batch", shown(voc.batch)},
                   {"--steps-per-epoch", shown(voc.steps_per_epoch)},
                   {"--epochs", shown(voc.epochs)},
                   {"--max-steps", shown(voc.max_steps)},
                   {"--lr", shown(voc.lr)},
                   {"--mel-weight", shown(voc.mel_weight)},
                   {"--stft-weight", shown(voc.stft_weight)},
                   {"--phase-weight", shown(voc.phase_weight)},
                   {"--eval-clips", shown(voc.eval_clips)},
                   {"--time-budget", shown(voc.time_budget_s)},
                   {"--seed", shown(voc.seed)},
                   {"--device", voc.device},
                   {"--amp", voc.amp},
                   {"--threads", shown(voc.threads)},
                   {"--accumulate", shown(voc.accumulate)},
                   {"--dist-backend", voc.dist_backend},
                   {"--dist-timeout", shown(voc.dist_timeout_s)}},
                  {}};
  add_fields(vocoder.expected, VocoderRunConfig{}.frontend.to_string());
  all.push_back(vocoder);

  all.push_back({"export", {}, {"--vocoder"}});  // and --checkpoint, --out: both required

  all.push_back({"generate",
                 {{"--iters", shown(griffin_lim.iterations)}, {"--threads", shown(train.threads)}},
                 {"--count", "--seed", "--steps", "--device", "--vocoder"}});

  all.push_back({"evaluate",
                 {{"--count", shown(evaluation.count_per_class)},
                  {"--seed", shown(evaluation.seed)},
                  {"--iters", shown(evaluation.griffin_lim.iterations)},
                  {"--reconstruction", shown(evaluation.reconstruction_per_class)},
                  {"--ndb-bins", shown(evaluation.ndb_k)},
                  {"--threads", shown(train.threads)}},
                 {"--split", "--vocoder"}});

  all.push_back({"serve",
                 {{"--host", serve.host},
                  {"--port", shown(serve.port)},
                  {"--workers", shown(serve.workers)},
                  {"--cache-clips", shown(serve.cache.max_clips)},
                  {"--cache-mb", shown(serve.cache.max_bytes >> 20)},
                  {"--max-pending", shown(serve.max_pending)},
                  {"--threads", shown(train.threads)}},
                 {"--device", "--vocoder"}});

  all.push_back({"bench",
                 {{"--width", shown(bench.width)},
                  {"--batch", shown(bench.batch)},
                  {"--frames", shown(bench.frames)},
                  {"--n-mels", shown(bench.n_mels)},
                  {"--classes", shown(bench.num_classes)},
                  {"--steps", shown(bench.steps)},
                  {"--warmup", shown(bench.warmup)},
                  {"--peak-n", shown(bench.peak_n)},
                  {"--sweep-steps", shown(bench.sweep_steps)},
                  {"--profile-steps", shown(bench.profile_steps)},
                  {"--generation-batch", shown(bench.generation_batch)},
                  {"--generation-iterations", shown(bench.generation_iterations)},
                  {"--vocoder-seconds", shown(bench.vocoder_seconds)},
                  {"--loss", bench.loss},
                  {"--spectral-norm", bench.spectral_norm},
                  {"--threads", shown(train.threads)}},
                 {"--arch", "--amp"}});
  return all;
}

TEST(HelpDefaults, ParserReadsBothLayoutsOfCli11) {
  const std::string help =
      "Options:\n"
      "  -h,--help                   Print this help message and exit\n"
      "  --epochs INT=200            Epochs in total\n"
      "  --count INT:INT in [1 - 1024]=4\n"
      "                              Clips to generate, a=b in prose\n"
      "  --out TEXT                  Output a=b folder\n";
  const auto defaults = printed_defaults(help);
  EXPECT_EQ(defaults.at("--epochs"), "200");
  EXPECT_EQ(defaults.at("--count"), "4");
  EXPECT_EQ(defaults.at("--out"), "");
  EXPECT_EQ(defaults.at("--help"), "");
}

TEST(HelpDefaults, EveryCommandIsChecked) {
  const auto result = run_cli("--help");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  std::set<std::string> listed;
  std::istringstream in(result.output.substr(result.output.find("Subcommands:")));
  std::string line;
  std::getline(in, line);  // "Subcommands:"
  while (std::getline(in, line)) {
    // "  name   description"; a description's second line starts with 30 spaces.
    if (line.size() > 2 && line[0] == ' ' && line[1] == ' ' && line[2] != ' ') {
      listed.insert(line.substr(2, line.find(' ', 2) - 2));
    }
  }
  std::set<std::string> checked;
  for (const auto& command : commands()) checked.insert(command.name);
  EXPECT_EQ(listed, checked) << "a command's --help defaults are not checked here";
}

TEST(HelpDefaults, EveryPrintedDefaultIsTheConfigStructsDefault) {
  for (const auto& command : commands()) {
    SCOPED_TRACE("audiogan " + command.name + " --help");
    const auto result = run_cli(command.name + " --help");
    ASSERT_EQ(result.exit_code, 0) << result.output;
    const auto printed = printed_defaults(result.output);
    ASSERT_GT(printed.size(), 2u) << result.output;
    for (const auto& [flag, want] : command.expected) {
      const auto found = printed.find(flag);
      ASSERT_NE(found, printed.end()) << flag << " is not in the help:\n" << result.output;
      EXPECT_EQ(found->second, want) << flag << ": help shows '" << found->second
                                     << "', the struct's default is '" << want << "'";
    }
    for (const auto& flag : command.command_only) {
      ASSERT_TRUE(printed.count(flag)) << flag << " is not in the help:\n" << result.output;
      EXPECT_FALSE(printed.at(flag).empty()) << flag << " shows no default";
    }
    // A default nobody checks can drift: every printed one must be listed above.
    for (const auto& [flag, value] : printed) {
      if (value.empty()) continue;
      EXPECT_TRUE(command.expected.count(flag) || command.command_only.count(flag))
          << flag << " prints default '" << value << "' that this test does not check";
    }
  }
}

}  // namespace
}  // namespace audiogan
