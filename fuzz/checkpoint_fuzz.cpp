// Fuzzes the checkpoint framing (the header every GAN and vocoder checkpoint starts with):
// read_framed_file must reject a short, foreign, truncated or corrupt file with a DataError and
// return exactly the payload otherwise.
#include <cstdint>
#include <string>

#include "core/error.h"
#include "fuzz_input.h"
#include "train/checkpoint.h"

namespace {

constexpr char kMagic[16] = {'A', 'U', 'D', 'I', 'O', 'G', 'A', 'N',
                             '-', 'C', 'K', 'P', 'T', '-', '0', '1'};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using audiogan::fuzz::require;
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  const audiogan::fuzz::TempInput input(data, size, ".pt");
  (void)audiogan::is_checkpoint_file(input.path());
  try {
    const std::string payload =
        audiogan::read_framed_file(input.path(), kMagic, "fuzz", "is not a checkpoint");
    require(audiogan::framed_file_bytes(kMagic, payload) == bytes, "an accepted file is framed");
  } catch (const audiogan::DataError&) {
    // Another kind of file, truncated, or a checksum that does not match.
  }
  // Any payload framed by the writer reads back unchanged.
  const std::string file = audiogan::framed_file_bytes(kMagic, bytes);
  const audiogan::fuzz::TempInput framed(reinterpret_cast<const uint8_t*>(file.data()), file.size(),
                                         ".framed.pt");
  require(audiogan::read_framed_file(framed.path(), kMagic, "fuzz", "?") == bytes,
          "a framed payload reads back");
  require(audiogan::is_checkpoint_file(framed.path()), "a framed file is a checkpoint");
  return 0;
}
