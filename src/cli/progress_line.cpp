#include "cli/progress_line.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <vector>

namespace audiogan::cli {
namespace {

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

ProgressLine::ProgressLine(std::FILE* stream)
    : ProgressLine(stream, ::isatty(::fileno(stream)) != 0) {}

void ProgressLine::draw(const std::string& text, bool force) {
  if (!tty_) return;
  const double now = now_s();
  if (!force && last_draw_s_ >= 0 && now - last_draw_s_ < 0.1) return;
  last_draw_s_ = now;
  std::fprintf(stream_, "\r%s\x1b[K", text.c_str());
  std::fflush(stream_);
}

void ProgressLine::clear() {
  if (!tty_) return;
  std::fprintf(stream_, "\r\x1b[K");
  std::fflush(stream_);
}

std::string progress_bar(int64_t done, int64_t total, int width) {
  const int64_t filled = std::clamp<int64_t>(width * done / std::max<int64_t>(1, total), 0, width);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(static_cast<size_t>(width), '-');
  return "[" + bar + "]";
}

std::string clock_text(double seconds) {
  const auto s = static_cast<long long>(seconds < 0 ? 0 : seconds);
  if (s >= 3600) return formatted("%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  return formatted("%lld:%02lld", s / 60, s % 60);
}

std::string formatted(const char* format, ...) {
  va_list args;
  va_start(args, format);
  va_list again;
  va_copy(again, args);
  const int size = std::vsnprintf(nullptr, 0, format, args);
  va_end(args);
  std::vector<char> text(static_cast<size_t>(std::max(size, 0)) + 1);
  std::vsnprintf(text.data(), text.size(), format, again);
  va_end(again);
  return std::string(text.data(), static_cast<size_t>(std::max(size, 0)));
}

}  // namespace audiogan::cli
