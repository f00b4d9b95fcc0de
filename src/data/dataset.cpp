// Scanning the class-folder layout: which files exist, which class each belongs to, and what was
// skipped. Broken audio is found later (by the cache); here only names and extensions count.
#include "data/dataset.h"

#include <algorithm>
#include <filesystem>

#include "audio/audio_file.h"
#include "core/error.h"
#include "core/file_time.h"

namespace audiogan {
namespace fs = std::filesystem;
namespace {

std::string layout_help(const std::string& root) {
  return "; expected layout: " + root + "/train/<class>/<audio files> (optionally also " + root +
         "/test/<class>/...) or " + root +
         "/<class>/<audio files>, one folder per class of .wav/.flac/.ogg/.aiff/.mp3 files";
}

bool is_hidden(const fs::path& path) {
  const std::string name = path.filename().string();
  return !name.empty() && name[0] == '.';
}

bool is_audio(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  const auto& known = audio_extensions();
  return std::find(known.begin(), known.end(), ext) != known.end();
}

// Every non-hidden sub-folder of `dir`, sorted by name.
std::vector<std::string> class_folders(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_directory() && !is_hidden(entry.path())) {
      names.push_back(entry.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Audio files anywhere below `folder` (sorted), non-audio ones into `not_audio`.
std::vector<fs::path> audio_files(const fs::path& folder, std::vector<SkippedFile>& not_audio) {
  std::vector<fs::path> files;
  auto it = fs::recursive_directory_iterator(folder, fs::directory_options::skip_permission_denied);
  for (const auto& entry : it) {
    if (is_hidden(entry.path())) {
      if (entry.is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!entry.is_regular_file()) continue;
    if (is_audio(entry.path())) {
      files.push_back(fs::absolute(entry.path()));
    } else {
      not_audio.push_back(
          {fs::absolute(entry.path()).string(),
           "not an audio file extension (" + entry.path().extension().string() + ")"});
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

fs::path split_folder(const std::string& root, const std::string& split) {
  if (root.empty() || !fs::is_directory(root)) {
    throw DataError("dataset: --data " + (root.empty() ? std::string("(empty)") : root) +
                    " is not a folder" + layout_help(root.empty() ? "ROOT" : root));
  }
  if (has_split(root, split)) return fs::path(root) / split;
  if (split == "train") return fs::path(root);
  throw DataError("dataset: " + root + " has no '" + split + "' folder" + layout_help(root));
}

Dataset scan(const std::string& root, const std::string& split,
             const std::vector<std::string>* fixed_names) {
  Dataset dataset;
  dataset.root = root;
  const fs::path dir = split_folder(root, split);
  dataset.split_dir = fs::absolute(dir).lexically_normal().string();
  const std::vector<std::string> folders = class_folders(dir);
  if (folders.empty()) {
    throw DataError("dataset: " + dataset.split_dir + " has no class folders" + layout_help(root));
  }
  dataset.class_names = fixed_names ? *fixed_names : folders;
  for (const auto& name : folders) {
    const auto found = std::find(dataset.class_names.begin(), dataset.class_names.end(), name);
    if (found == dataset.class_names.end()) {
      throw DataError("dataset: class folder '" + name + "' in " + dataset.split_dir +
                      " is not one of the model's classes");
    }
    const int index = static_cast<int>(found - dataset.class_names.begin());
    const auto files = audio_files(dir / name, dataset.not_audio);
    if (files.empty()) {
      throw DataError("dataset: class folder " + (dir / name).string() + " holds no audio file" +
                      layout_help(root));
    }
    for (const auto& path : files) {
      dataset.files.push_back({path.string(), index, static_cast<int64_t>(fs::file_size(path)),
                               file_mtime_ns(path.string())});
    }
  }
  std::stable_sort(
      dataset.files.begin(), dataset.files.end(), [](const DatasetFile& a, const DatasetFile& b) {
        return a.class_index != b.class_index ? a.class_index < b.class_index : a.path < b.path;
      });
  return dataset;
}

}  // namespace

Dataset scan_dataset(const std::string& root, const std::string& split) {
  return scan(root, split, nullptr);
}

Dataset scan_dataset(const std::string& root, const std::string& split,
                     const std::vector<std::string>& class_names) {
  return scan(root, split, &class_names);
}

bool has_split(const std::string& root, const std::string& split) {
  std::error_code error;
  return !split.empty() && fs::is_directory(fs::path(root) / split, error);
}

}  // namespace audiogan
