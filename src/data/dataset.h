// The class-folder dataset: <root>/train/<class>/<files> (or <root>/<class>/<files>).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace audiogan {

struct DatasetFile {
  std::string path;     // absolute
  int class_index = 0;  // into Dataset::class_names
  int64_t size = 0;     // bytes
  int64_t mtime_ns = 0;
};

struct SkippedFile {
  std::string path;
  std::string reason;
};

struct Dataset {
  std::string root;                      // as given
  std::string split_dir;                 // the folder whose sub-folders are the classes
  std::vector<std::string> class_names;  // sorted folder names; class ids are indices
  std::vector<DatasetFile> files;        // sorted by class, then path
  std::vector<SkippedFile> not_audio;    // files skipped by extension (reported in one warning)
};

// Scans `root`/`split` (e.g. "train", "test"); when `root`/`split` does not exist and split is
// "train", `root` itself is taken as the class-folder level. Throws DataError showing the
// expected layout for a missing root, an empty class folder, or no audio file at all.
Dataset scan_dataset(const std::string& root, const std::string& split = "train");

// Like scan_dataset(root, split), with class ids fixed by `class_names` (e.g. the training
// split's, so that a test split lacking a class keeps the same ids). A class of `class_names`
// without a folder has no files; a folder not in `class_names` is a DataError.
Dataset scan_dataset(const std::string& root, const std::string& split,
                     const std::vector<std::string>& class_names);

// True when `root`/`split` exists as a folder.
bool has_split(const std::string& root, const std::string& split);

}  // namespace audiogan
