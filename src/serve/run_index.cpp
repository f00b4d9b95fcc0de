// Listing of runs and their files, with every path checked to stay inside the runs directory.
#include "serve/run_index.h"

#include <algorithm>
#include <regex>
#include <system_error>

#include "core/error.h"
#include "core/file_time.h"

namespace fs = std::filesystem;

namespace audiogan::serve {
namespace {

bool has_extension(const std::string& name, std::initializer_list<const char*> extensions) {
  for (const char* extension : extensions) {
    const std::string ext(extension);
    if (name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0)
      return true;
  }
  return false;
}

bool visible(const std::string& name) {
  return !name.empty() && name[0] != '.';
}

}  // namespace

int parse_epoch(const std::string& name) {
  static const std::regex pattern(R"((?:epoch|ep)_?0*(\d+))");
  std::smatch match;
  if (!std::regex_search(name, match, pattern)) return -1;
  try {
    return std::stoi(match[1].str());
  } catch (const std::exception&) {
    return -1;
  }
}

bool RunInfo::has_eval_report() const {
  return has("eval/report.json") || has("eval/report.md");
}

RunIndex::RunIndex(const fs::path& runs_dir) {
  std::error_code error;
  root_ = fs::canonical(runs_dir, error);
  if (error || !fs::is_directory(root_)) {
    throw IoError("serve: --runs " + runs_dir.string() + ": expected a directory of runs, " +
                  (error ? error.message() : std::string("not a directory")));
  }
}

bool RunIndex::inside(const fs::path& path) const {
  std::error_code error;
  const fs::path resolved = fs::canonical(path, error);
  if (error) return false;
  auto root_it = root_.begin();
  auto it = resolved.begin();
  for (; root_it != root_.end(); ++root_it, ++it) {
    if (it == resolved.end() || *it != *root_it) return false;
  }
  return true;
}

std::vector<std::string> RunIndex::run_names() const {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(root_, error)) {
    const std::string name = entry.path().filename().string();
    if (!visible(name) || !inside(entry.path()) || !fs::is_directory(entry.path())) continue;
    if (fs::is_directory(entry.path() / "checkpoints")) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::optional<RunInfo> RunIndex::find(const std::string& name) const {
  // Look the name up among the listed runs rather than building a path from it.
  const auto names = run_names();
  if (std::find(names.begin(), names.end(), name) == names.end()) return std::nullopt;
  RunInfo run;
  run.name = name;
  run.dir = fs::canonical(root_ / name);

  // Collects regular files of one sub-folder whose resolved path stays inside the root.
  auto list = [&](const std::string& folder, std::initializer_list<const char*> extensions) {
    std::vector<std::pair<std::string, fs::path>> found;
    const fs::path dir = folder.empty() ? run.dir : run.dir / folder;
    std::error_code error;
    if (!fs::is_directory(dir, error) || !inside(dir)) return found;
    for (const auto& entry : fs::directory_iterator(dir, error)) {
      const std::string file = entry.path().filename().string();
      if (!visible(file) || !has_extension(file, extensions) || !inside(entry.path())) continue;
      if (!fs::is_regular_file(entry.path(), error)) continue;
      found.emplace_back(file, fs::canonical(entry.path()));
    }
    std::sort(found.begin(), found.end());
    return found;
  };

  for (const auto& [file, path] : list("checkpoints", {".pt"})) {
    const FileStamp stamp = file_stamp(path.string()).value_or(FileStamp{});
    run.checkpoints.push_back({file, path, parse_epoch(file), stamp.mtime_ns, stamp.size});
  }
  std::sort(run.checkpoints.begin(), run.checkpoints.end(),
            [](const CheckpointInfo& a, const CheckpointInfo& b) {
              const bool a_last = a.name == "last.pt", b_last = b.name == "last.pt";
              if (a_last != b_last) return a_last;
              if (a.epoch != b.epoch) return a.epoch > b.epoch;
              return a.name < b.name;
            });

  for (const auto& [file, path] : list("", {".png", ".toml", ".jsonl"})) run.files[file] = path;
  for (const auto& [file, path] : list("eval", {".json", ".md", ".png", ".wav"}))
    run.files["eval/" + file] = path;

  std::map<int, EpochFiles> epochs;
  for (const auto& [file, path] : list("plots", {".png"})) {
    run.files["plots/" + file] = path;
    const int epoch = parse_epoch(file);
    if (epoch < 0) continue;
    epochs[epoch].epoch = epoch;
    epochs[epoch].plot = "plots/" + file;
  }
  static const std::regex audio_pattern(R"(^(.+?)_(?:epoch|ep)_?0*(\d+)\.wav$)");
  for (const auto& [file, path] : list("audio", {".wav"})) {
    run.files["audio/" + file] = path;
    std::smatch match;
    if (!std::regex_match(file, match, audio_pattern)) continue;
    const int epoch = parse_epoch("ep" + match[2].str());
    if (epoch < 0) continue;
    epochs[epoch].epoch = epoch;
    epochs[epoch].audio.push_back({match[1].str(), "audio/" + file});
  }
  for (auto& [epoch, files] : epochs) run.epochs.push_back(std::move(files));
  return run;
}

}  // namespace audiogan::serve
