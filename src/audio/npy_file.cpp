// NumPy .npy reading and writing (float32 only, which is all audiogan exchanges).
#include "audio/npy_file.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <vector>

#include "core/error.h"

namespace audiogan {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

[[noreturn]] void fail(const std::string& path, const std::string& reason) {
  throw IoError("npy: " + path + ": " + reason);
}

bool little_endian_host() {
  const uint16_t one = 1;
  unsigned char first = 0;
  std::memcpy(&first, &one, 1);
  return first == 1;
}

// Parses "(128, 512)" / "(7,)" / "()" into dimensions; nullopt-like empty flag on failure.
bool parse_shape(const std::string& text, std::vector<int64_t>& shape) {
  shape.clear();
  std::string inner = text;
  std::stringstream in(inner);
  std::string item;
  while (std::getline(in, item, ',')) {
    size_t b = item.find_first_not_of(" \t");
    if (b == std::string::npos) continue;  // the trailing comma of a 1-tuple
    size_t e = item.find_last_not_of(" \t");
    item = item.substr(b, e - b + 1);
    if (item.empty() || item.size() > 18 ||
        item.find_first_not_of("0123456789") != std::string::npos) {
      return false;
    }
    shape.push_back(std::stoll(item));
  }
  return true;
}

}  // namespace

torch::Tensor read_npy(const std::string& path) {
  if (!little_endian_host()) fail(path, "big-endian hosts are not supported");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open file");
  char prefix[10];
  if (!in.read(prefix, 8) || std::memcmp(prefix, kMagic, kMagicSize) != 0) {
    fail(path, "not a NumPy .npy file (missing \\x93NUMPY magic)");
  }
  const int major = static_cast<unsigned char>(prefix[6]);
  uint32_t header_size = 0;
  if (major == 1) {
    unsigned char bytes[2];
    if (!in.read(reinterpret_cast<char*>(bytes), 2)) fail(path, "truncated header");
    header_size = bytes[0] | (bytes[1] << 8);
  } else if (major == 2 || major == 3) {
    unsigned char bytes[4];
    if (!in.read(reinterpret_cast<char*>(bytes), 4)) fail(path, "truncated header");
    header_size =
        bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (static_cast<uint32_t>(bytes[3]) << 24);
  } else {
    fail(path, "unsupported .npy version " + std::to_string(major));
  }
  if (header_size > (1u << 20))
    fail(path, "implausible header size " + std::to_string(header_size));
  std::string header(header_size, '\0');
  if (!in.read(header.data(), header_size)) fail(path, "truncated header");

  std::smatch match;
  static const std::regex descr_re(R"('descr'\s*:\s*'([^']*)')");
  static const std::regex fortran_re(R"('fortran_order'\s*:\s*(True|False))");
  static const std::regex shape_re(R"('shape'\s*:\s*\(([^)]*)\))");
  if (!std::regex_search(header, match, descr_re)) fail(path, "header has no 'descr'");
  const std::string descr = match[1];
  if (descr != "<f4") fail(path, "expected dtype float32 ('<f4'), found '" + descr + "'");
  if (!std::regex_search(header, match, fortran_re)) fail(path, "header has no 'fortran_order'");
  if (match[1] == "True") fail(path, "expected C order, found Fortran order");
  if (!std::regex_search(header, match, shape_re)) fail(path, "header has no 'shape'");
  std::vector<int64_t> shape;
  if (!parse_shape(match[1], shape))
    fail(path, "malformed shape '(" + std::string(match[1]) + ")'");

  int64_t count = 1;
  for (int64_t d : shape) {
    if (d > 0 && count > (int64_t{1} << 40) / d) fail(path, "shape too large");
    count *= d;
  }
  const std::streampos data_start = in.tellg();
  in.seekg(0, std::ios::end);
  const int64_t available = static_cast<int64_t>(in.tellg() - data_start);
  if (available != count * 4) {
    fail(path, "shape needs " + std::to_string(count * 4) + " bytes of data, file has " +
                   std::to_string(available));
  }
  in.seekg(data_start);
  torch::Tensor tensor = torch::empty(shape, torch::kFloat32);
  if (count > 0 && !in.read(reinterpret_cast<char*>(tensor.data_ptr<float>()), count * 4)) {
    fail(path, "truncated data");
  }
  return tensor;
}

void write_npy(const std::string& path, const torch::Tensor& tensor) {
  if (!little_endian_host()) fail(path, "big-endian hosts are not supported");
  torch::Tensor data = tensor.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  std::string shape = "(";
  for (int64_t i = 0; i < data.dim(); ++i) {
    shape +=
        std::to_string(data.size(i)) + (data.dim() == 1 ? "," : (i + 1 < data.dim() ? ", " : ""));
  }
  shape += ")";
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
  // Magic (6) + version (2) + length (2) + header + '\n' is padded to a multiple of 64.
  const size_t unpadded = kMagicSize + 2 + 2 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) fail(path, "cannot open file for writing");
  out.write(kMagic, kMagicSize);
  const char version[2] = {1, 0};
  out.write(version, 2);
  const char length[2] = {static_cast<char>(header.size() & 0xff),
                          static_cast<char>(header.size() >> 8)};
  out.write(length, 2);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(reinterpret_cast<const char*>(data.data_ptr<float>()),
            static_cast<std::streamsize>(data.numel() * 4));
  if (!out.flush()) fail(path, "write failed");
}

}  // namespace audiogan
