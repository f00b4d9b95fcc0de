// Runs a fuzz harness once over every file of a seed corpus directory (argv[1]), without
// libFuzzer: the plain build's check that each harness still accepts or rejects its seeds
// without crashing. Exits 1 when the directory holds no file, so a lost corpus cannot pass.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  std::error_code error;
  std::filesystem::directory_iterator files(argv[1], error);
  if (error) {
    std::fprintf(stderr, "corpus: cannot read %s: %s\n", argv[1], error.message().c_str());
    return 1;
  }
  int count = 0;
  for (const auto& entry : files) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    ++count;
  }
  std::printf("corpus: ran %d inputs from %s\n", count, argv[1]);
  if (count == 0) {
    std::fprintf(stderr, "corpus: %s holds no input\n", argv[1]);
    return 1;
  }
  return 0;
}
