// .npy reading and writing: round trips, every layout numpy.save writes (fixtures made by NumPy
// and bytes written here), other dtypes refused, and corrupt inputs.
#include "audio/npy_file.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <algorithm>
#include <cstring>
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

std::string fixture(const std::string& name) {
  return std::string(AUDIOGAN_TEST_FIXTURES) + "/npy/" + name;
}

torch::Tensor arange(int64_t n) {
  return torch::arange(n, torch::kFloat32);
}

TEST(NpyFile, ReadsEveryLayoutNumpySaveWrites) {
  // Files written by NumPy itself (tests/fixtures/npy/README.md): each holds arange(n).
  struct Case {
    const char* file;
    torch::Tensor expected;
  };
  const std::vector<Case> cases = {
      {"f8_big_fortran_2x3.npy", arange(6).reshape({2, 3})},
      {"f4_transposed_3x4.npy", arange(12).reshape({4, 3}).t()},
      {"f2_little_2x3x4.npy", arange(24).reshape({2, 3, 4})},
      {"f4_big_c_3x2.npy", arange(6).reshape({3, 2})},
      {"f4_version2_5.npy", arange(5)},
      {"f8_version3_fortran_2x2x2.npy", arange(8).reshape({2, 2, 2})},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    const torch::Tensor back = read_npy(fixture(c.file));
    EXPECT_EQ(back.scalar_type(), torch::kFloat32);
    EXPECT_TRUE(back.is_contiguous());
    ASSERT_EQ(back.sizes(), c.expected.sizes());
    EXPECT_TRUE(torch::equal(back, c.expected)) << back;
  }
}

// The header numpy.save writes for `descr`, `fortran` and `shape`, followed by `data`.
std::string npy_bytes(const std::string& descr, bool fortran, const std::string& shape,
                      const std::string& data) {
  return npy_with_header("{'descr': '" + descr + "', 'fortran_order': " +
                             (fortran ? "True" : "False") + ", 'shape': " + shape + ", }",
                         0) +
         data;
}

template <typename T>
std::string raw_bytes(const std::vector<T>& values, bool big_endian) {
  std::string bytes;
  for (T value : values) {
    char item[sizeof(T)];
    std::memcpy(item, &value, sizeof(T));
    // The tests run on little-endian hosts (x86-64, aarch64): reversing gives big-endian.
    if (big_endian) std::reverse(item, item + sizeof(T));
    bytes.append(item, sizeof(T));
  }
  return bytes;
}

TEST(NpyFile, ReadsBothByteOrdersAndFortranOrderWrittenByHand) {
  const std::string path = temp_path("orders.npy");
  const std::vector<double> values = {0.5, -1.25, 3.0, 1e-3, 7.0, -0.0};
  // [2, 3] in Fortran order stores column after column.
  const std::vector<double> by_column = {values[0], values[3], values[1],
                                         values[4], values[2], values[5]};
  const torch::Tensor expected =
      torch::tensor(std::vector<float>(values.begin(), values.end())).reshape({2, 3});
  for (const bool big : {false, true}) {
    SCOPED_TRACE(big ? "big-endian" : "little-endian");
    const std::string order = big ? ">" : "<";
    write_bytes(path, npy_bytes(order + "f8", false, "(2, 3)", raw_bytes(values, big)));
    EXPECT_TRUE(torch::equal(read_npy(path), expected));
    write_bytes(path, npy_bytes(order + "f8", true, "(2, 3)", raw_bytes(by_column, big)));
    EXPECT_TRUE(torch::equal(read_npy(path), expected));
    const std::vector<float> floats(values.begin(), values.end());
    write_bytes(path, npy_bytes(order + "f4", false, "(2, 3)", raw_bytes(floats, big)));
    EXPECT_TRUE(torch::equal(read_npy(path), expected));
  }
  // '=' is the host's own order.
  write_bytes(path, npy_bytes("=f8", false, "(2, 3)", raw_bytes(values, false)));
  EXPECT_TRUE(torch::equal(read_npy(path), expected));
}

TEST(NpyFile, RefusesOtherDtypesWithADataErrorNamingThem) {
  for (const char* file : {"i8_4.npy", "c8_2.npy"}) {
    try {
      read_npy(fixture(file));
      ADD_FAILURE() << file << " was read";
    } catch (const DataError& e) {
      EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("float32"), std::string::npos) << e.what();
    }
  }
  const std::string path = temp_path("dtype.npy");
  for (const std::string descr : {"<i4", "|u1", "|b1", "<U3", "|O", "|f4", "<f16"}) {
    SCOPED_TRACE(descr);
    write_bytes(path, npy_bytes(descr, false, "(2,)", std::string(8, '\0')));
    try {
      read_npy(path);
      ADD_FAILURE() << descr << " was read";
    } catch (const DataError& e) {
      EXPECT_NE(std::string(e.what()).find("'" + descr + "'"), std::string::npos) << e.what();
    }
  }
  write_bytes(path, npy_with_header("{'descr': [('a', '<f4')], 'fortran_order': False, "
                                    "'shape': (1,), }",
                                    4));
  EXPECT_THROW(read_npy(path), DataError);
}

TEST(NpyFile, CapsTheHeaderAtNumpysLimit) {
  const std::string path = temp_path("long.npy");
  const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }";
  // Version 2 carries a 4-byte header length; pad the header to just over the cap.
  auto file_with_header_bytes = [&](uint32_t size) {
    std::string header = dict + std::string(size - dict.size() - 1, ' ') + "\n";
    std::string out = "\x93NUMPY";
    out += '\x02';
    out += '\x00';
    for (int i = 0; i < 4; ++i) out += static_cast<char>((size >> (8 * i)) & 0xff);
    return out + header + std::string(4, '\0');
  };
  write_bytes(path, file_with_header_bytes(kNpyMaxHeaderBytes));
  EXPECT_EQ(read_npy(path).numel(), 1);
  write_bytes(path, file_with_header_bytes(kNpyMaxHeaderBytes + 1));
  try {
    read_npy(path);
    ADD_FAILURE() << "a header over the cap was read";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("10000"), std::string::npos) << e.what();
  }
}

TEST(NpyFile, AZeroDimensionDoesNotHideAShapeThatOverflows) {
  // Found by fuzz/npy_fuzz.cpp (fuzz/corpus/npy/found-zero-dim-overflow.npy): with a 0 in the
  // shape the element count is 0, but the other dimensions' product overflows int64 inside
  // LibTorch, which threw c10::Error instead of the reader's error naming the file.
  const std::string path = temp_path("zero-dim.npy");
  write_bytes(path, npy_with_header("{'descr': '<f4', 'fortran_order': False, "
                                    "'shape': (0, 999999999999999, 999999999999999), }",
                                    0));
  try {
    read_npy(path);
    ADD_FAILURE() << "an overflowing shape was read";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("shape too large"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  // An empty array whose other dimensions are ordinary still reads.
  write_bytes(path, npy_with_header(
                        "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 128, 40), }", 0));
  EXPECT_EQ(read_npy(path).sizes(), (std::vector<int64_t>{0, 128, 40}));
}

TEST(NpyFile, RejectsMalformedHeadersShortDataAndGarbage) {
  const std::string path = temp_path("bad.npy");
  const std::vector<std::string> bad_headers = {
      "{'descr': '<f4', 'fortran_order': False, 'shape': (x, 4), }",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }",
      "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (4,), }",
      "{'descr': '<f4', 'shape': (4,), }",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), 'extra': 1, }",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (4,) }junk",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (4,",
      "{'descr: '<f4', 'fortran_order': False, 'shape': (4,), }",
      // Nesting that a recursive pattern would chew on: refused in one pass.
      "{'descr': '<f4', 'fortran_order': False, 'shape': ((((((((((4,),),),),),),),),),), }",
  };
  for (const auto& header : bad_headers) {
    SCOPED_TRACE(header);
    write_bytes(path, npy_with_header(header, 16));
    EXPECT_THROW(read_npy(path), IoError);
  }
  write_bytes(path,
              npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (4, 4), }", 16));
  EXPECT_THROW(read_npy(path), IoError);
  write_bytes(path, "RIFF....WAVEfmt ");
  EXPECT_THROW(read_npy(path), IoError);
  write_bytes(path, "\x93NUMPY\x01");
  EXPECT_THROW(read_npy(path), IoError);
  EXPECT_THROW(read_npy(temp_path("missing.npy")), IoError);
  try {
    read_npy(path);
    ADD_FAILURE() << "a truncated file was read";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
  }
}

}  // namespace
}  // namespace audiogan
