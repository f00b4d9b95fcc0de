// .npy reading and writing: round trips, files written by NumPy, and corrupt inputs.
#include "audio/npy_file.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>

#include "core/error.h"

namespace audiogan {
namespace {

std::string temp_path(const std::string& name) {
  auto dir =
      std::filesystem::path(::testing::TempDir()) / ("npy_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string npy_with_header(const std::string& dict, size_t data_bytes) {
  std::string header = dict;
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  return out + header + std::string(data_bytes, '\0');
}

TEST(NpyFile, RoundTripsTensorsOfEveryRank) {
  for (auto shape : std::vector<std::vector<int64_t>>{{}, {7}, {128, 5}, {2, 3, 4}, {0, 3}}) {
    torch::Tensor tensor = torch::randn(shape);
    const std::string path = temp_path("round.npy");
    write_npy(path, tensor);
    torch::Tensor back = read_npy(path);
    EXPECT_EQ(back.sizes(), tensor.sizes());
    EXPECT_TRUE(torch::equal(back, tensor));
  }
}

TEST(NpyFile, ReadsAFileWrittenByNumpy) {
  torch::Tensor fb = read_npy(std::string(AUDIOGAN_TEST_FIXTURES) + "/dsp/fb_htk_none.npy");
  EXPECT_EQ(fb.sizes(), (std::vector<int64_t>{513, 128}));
  EXPECT_GT(fb.max().item<float>(), 0.5f);
}

TEST(NpyFile, RejectsWrongDtypeFortranOrderShortDataAndGarbage) {
  const std::string path = temp_path("bad.npy");
  write_bytes(path,
              npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 16));
  EXPECT_THROW(read_npy(path), IoError);
  write_bytes(path,
              npy_with_header("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", 16));
  EXPECT_THROW(read_npy(path), IoError);
  write_bytes(path,
              npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (4, 4), }", 16));
  EXPECT_THROW(read_npy(path), IoError);
  write_bytes(path,
              npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (x, 4), }", 16));
  EXPECT_THROW(read_npy(path), IoError);
  write_bytes(path, "RIFF....WAVEfmt ");
  EXPECT_THROW(read_npy(path), IoError);
  write_bytes(path, "\x93NUMPY\x01");
  EXPECT_THROW(read_npy(path), IoError);
  EXPECT_THROW(read_npy(temp_path("missing.npy")), IoError);
  try {
    read_npy(path);
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
  }
}

}  // namespace
}  // namespace audiogan
