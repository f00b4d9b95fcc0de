// NumPy .npy reading (what numpy.save writes for a real-valued array) and writing (float32).
#include "audio/npy_file.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
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

// The header's dictionary, e.g. {'descr': '<f4', 'fortran_order': False, 'shape': (128, 512), }.
struct NpyHeader {
  std::string descr;
  bool fortran_order = false;
  std::vector<int64_t> shape;
};

// A reader for the one Python literal NumPy writes as the header: a dict of exactly the keys
// descr (a string), fortran_order (True/False) and shape (a tuple of non-negative integers). A
// straight scan, no regex: a header is at most kNpyMaxHeaderBytes, each byte read once.
class HeaderParser {
 public:
  HeaderParser(const std::string& text, const std::string& path) : text_(text), path_(path) {}

  NpyHeader parse() {
    NpyHeader header;
    bool has_descr = false, has_order = false, has_shape = false;
    expect('{');
    while (true) {
      skip_space();
      if (peek() == '}') break;
      const std::string key = quoted("a quoted key");
      expect(':');
      if (key == "descr") {
        skip_space();
        // A structured dtype's descr is a list of fields.
        if (peek() == '[') {
          throw DataError("npy: " + path_ +
                          ": a structured dtype is not supported; expected a "
                          "real float array (float16, float32 or float64)");
        }
        header.descr = quoted("the dtype string");
        has_descr = true;
      } else if (key == "fortran_order") {
        header.fortran_order = boolean();
        has_order = true;
      } else if (key == "shape") {
        header.shape = tuple();
        has_shape = true;
      } else {
        bad("unexpected key '" + key + "'; expected descr, fortran_order and shape");
      }
      skip_space();
      if (peek() == ',') {
        ++pos_;
      } else if (peek() != '}') {
        bad("expected ',' or '}' after the value of '" + key + "'");
      }
    }
    ++pos_;  // '}'
    // NumPy pads with spaces and ends the header with '\n'.
    for (; pos_ < text_.size(); ++pos_) {
      if (!is_space(text_[pos_])) bad("unexpected text after the header's '}'");
    }
    if (!has_descr) bad("header has no 'descr'");
    if (!has_order) bad("header has no 'fortran_order'");
    if (!has_shape) bad("header has no 'shape'");
    return header;
  }

 private:
  static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
  }
  [[noreturn]] void bad(const std::string& reason) const {
    fail(path_, "malformed header at byte " + std::to_string(pos_) + ": " + reason);
  }
  void expect(char c) {
    skip_space();
    if (peek() != c) bad(std::string("expected '") + c + "'");
    ++pos_;
  }
  bool starts_with(const char* word) const {
    return text_.compare(pos_, std::strlen(word), word) == 0;
  }

  // 'text' or "text" (NumPy writes repr(), so single quotes; both are Python).
  std::string quoted(const char* what) {
    skip_space();
    const char quote = peek();
    if (quote != '\'' && quote != '"') bad(std::string("expected ") + what);
    const size_t end = text_.find(quote, pos_ + 1);
    if (end == std::string::npos) bad("unterminated string");
    std::string value = text_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
    return value;
  }

  bool boolean() {
    skip_space();
    if (starts_with("True")) {
      pos_ += 4;
      return true;
    }
    if (starts_with("False")) {
      pos_ += 5;
      return false;
    }
    bad("fortran_order expected True or False");
  }

  // (), (7,), (128, 512); Python 2's long suffix (3L) as old NumPy wrote it is accepted.
  std::vector<int64_t> tuple() {
    std::vector<int64_t> dims;
    expect('(');
    while (true) {
      skip_space();
      if (peek() == ')') break;
      const size_t start = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      const size_t digits = pos_ - start;
      if (digits == 0) bad("shape expected a non-negative integer");
      if (digits > 15) bad("shape dimension too large");
      dims.push_back(std::stoll(text_.substr(start, digits)));
      if (peek() == 'L') ++pos_;
      skip_space();
      if (peek() == ',') {
        ++pos_;
      } else if (peek() != ')') {
        bad("shape expected ',' or ')'");
      }
    }
    ++pos_;  // ')'
    if (dims.size() > 64) bad("shape has more than 64 dimensions");
    return dims;
  }

  const std::string& text_;
  const std::string& path_;
  size_t pos_ = 0;
};

// '<f4' -> float32 little-endian; '>f8', '=f2' likewise. Anything else is a DataError: a valid
// .npy file holding something audiogan cannot use as a spectrogram.
struct Dtype {
  torch::ScalarType type = torch::kFloat32;
  int64_t item_bytes = 4;
  bool swap = false;  // the file's byte order is not the host's
};

Dtype parse_dtype(const std::string& descr, const std::string& path) {
  const std::string expected =
      "; expected a real float array: float16, float32 or float64 ('<f2', '<f4', '<f8', or '>' "
      "for big-endian)";
  if (descr.size() != 3 || descr[1] != 'f') {
    throw DataError("npy: " + path + ": dtype '" + descr + "' is not supported" + expected);
  }
  Dtype dtype;
  switch (descr[2]) {
    case '2':
      dtype = {torch::kFloat16, 2, false};
      break;
    case '4':
      dtype = {torch::kFloat32, 4, false};
      break;
    case '8':
      dtype = {torch::kFloat64, 8, false};
      break;
    default:
      throw DataError("npy: " + path + ": dtype '" + descr + "' is not supported" + expected);
  }
  // '|' means "byte order not applicable", which only a 1-byte type can claim.
  const char order = descr[0];
  if (order == '<') {
    dtype.swap = !little_endian_host();
  } else if (order == '>') {
    dtype.swap = little_endian_host();
  } else if (order != '=') {
    throw DataError("npy: " + path + ": dtype '" + descr + "' has byte order '" +
                    std::string(1, order) + "'; expected '<', '>' or '=' for a multi-byte float");
  }
  return dtype;
}

void swap_bytes(char* data, int64_t count, int64_t item_bytes) {
  for (int64_t i = 0; i < count; ++i) {
    std::reverse(data + i * item_bytes, data + (i + 1) * item_bytes);
  }
}

uint32_t read_header_size(std::ifstream& in, int major, const std::string& path) {
  unsigned char bytes[4] = {0, 0, 0, 0};
  const int width = major == 1 ? 2 : 4;
  if (!in.read(reinterpret_cast<char*>(bytes), width)) fail(path, "truncated header");
  return bytes[0] | (bytes[1] << 8) | (static_cast<uint32_t>(bytes[2]) << 16) |
         (static_cast<uint32_t>(bytes[3]) << 24);
}

}  // namespace

torch::Tensor read_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open file");
  char prefix[8];
  if (!in.read(prefix, 8) || std::memcmp(prefix, kMagic, kMagicSize) != 0) {
    fail(path, "not a NumPy .npy file (missing \\x93NUMPY magic)");
  }
  const int major = static_cast<unsigned char>(prefix[6]);
  if (major < 1 || major > 3) fail(path, "unsupported .npy version " + std::to_string(major));
  const uint32_t header_size = read_header_size(in, major, path);
  if (header_size > kNpyMaxHeaderBytes) {
    fail(path, "header of " + std::to_string(header_size) + " bytes exceeds the " +
                   std::to_string(kNpyMaxHeaderBytes) + "-byte limit NumPy reads");
  }
  std::string text(header_size, '\0');
  if (!in.read(text.data(), header_size)) fail(path, "truncated header");
  const NpyHeader header = HeaderParser(text, path).parse();
  const Dtype dtype = parse_dtype(header.descr, path);

  // Bound the product of the non-zero dimensions too: with a 0 anywhere the element count is 0,
  // but LibTorch still multiplies the whole shape and throws on int64 overflow.
  constexpr int64_t kMaxElements = int64_t{1} << 40;
  int64_t count = 1, nonzero_count = 1;
  for (int64_t d : header.shape) {
    if (d > 0 && nonzero_count > kMaxElements / d) fail(path, "shape too large");
    if (d > 0) nonzero_count *= d;
    count *= d;
  }
  const std::streampos data_start = in.tellg();
  in.seekg(0, std::ios::end);
  const int64_t available = static_cast<int64_t>(in.tellg() - data_start);
  if (available != count * dtype.item_bytes) {
    fail(path, "shape needs " + std::to_string(count * dtype.item_bytes) +
                   " bytes of data, file has " + std::to_string(available));
  }
  in.seekg(data_start);
  // Fortran order stores the array's transpose in C order: read it with the shape reversed and
  // turn it back with a permutation.
  std::vector<int64_t> stored = header.shape;
  if (header.fortran_order) std::reverse(stored.begin(), stored.end());
  torch::Tensor raw = torch::empty(stored, torch::TensorOptions().dtype(dtype.type));
  char* bytes = static_cast<char*>(raw.data_ptr());
  if (count > 0 && !in.read(bytes, count * dtype.item_bytes)) fail(path, "truncated data");
  if (dtype.swap) swap_bytes(bytes, count, dtype.item_bytes);
  if (header.fortran_order) {
    std::vector<int64_t> order(stored.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int64_t>(order.size() - 1 - i);
    raw = raw.permute(order);
  }
  return raw.to(torch::kFloat32).contiguous();
}

void write_npy(const std::string& path, const torch::Tensor& tensor) {
  torch::Tensor data = tensor.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  std::string shape = "(";
  for (int64_t i = 0; i < data.dim(); ++i) {
    shape +=
        std::to_string(data.size(i)) + (data.dim() == 1 ? "," : (i + 1 < data.dim() ? ", " : ""));
  }
  shape += ")";
  // The host's own byte order, named explicitly as numpy.save does.
  const std::string descr = little_endian_host() ? "<f4" : ">f4";
  std::string header =
      "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
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
