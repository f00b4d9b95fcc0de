// Fuzzes the spectrogram cache's JSON index: read_cache_index must turn anything it cannot
// trust into nullopt (the cache is then rebuilt), and an index it accepts must survive a write
// and a read unchanged.
#include <cstdint>
#include <string>

#include "data/cache_index.h"
#include "fuzz_input.h"

namespace {

using audiogan::fuzz::require;

bool same_entries(const audiogan::CacheIndex& a, const audiogan::CacheIndex& b) {
  if (a.entries.size() != b.entries.size() || a.failed.size() != b.failed.size()) return false;
  for (size_t i = 0; i < a.entries.size(); ++i) {
    const auto &x = a.entries[i], &y = b.entries[i];
    if (x.path != y.path || x.size != y.size || x.mtime_ns != y.mtime_ns ||
        x.class_index != y.class_index || x.class_name != y.class_name ||
        x.content_frames != y.content_frames) {
      return false;
    }
  }
  for (size_t i = 0; i < a.failed.size(); ++i) {
    if (a.failed[i].path != b.failed[i].path || a.failed[i].reason != b.failed[i].reason) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const audiogan::fuzz::TempInput input(data, size, ".index.json");
  const auto index = audiogan::read_cache_index(input.path());
  if (!index) return 0;
  // What the cache computes from an accepted index before it maps the data file.
  require(index->row_bytes() >= 0, "row_bytes is not negative");
  const audiogan::fuzz::TempInput copy(nullptr, 0, ".copy.json");
  audiogan::write_cache_index(copy.path(), *index);
  const auto again = audiogan::read_cache_index(copy.path());
  require(again.has_value(), "a written index reads back");
  require(again->frontend == index->frontend && again->class_names == index->class_names &&
              again->n_mels == index->n_mels && again->frames == index->frames &&
              again->data_file == index->data_file && same_entries(*index, *again),
          "an index reads back unchanged");
  return 0;
}
