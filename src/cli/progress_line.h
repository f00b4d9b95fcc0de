// The CLI's one progress renderer. On a terminal a single line is redrawn in place (at most
// every 100 ms, and always when forced, e.g. at 100 %); off a terminal (a pipe, a log file)
// draw() prints nothing, so logs hold only the commands' whole lines.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace audiogan::cli {

class ProgressLine {
 public:
  // `stream` is stdout or stderr; whether it is a terminal decides everything else.
  explicit ProgressLine(std::FILE* stream);
  // For tests: a stream and whether to treat it as a terminal.
  ProgressLine(std::FILE* stream, bool tty) : stream_(stream), tty_(tty) {}

  bool tty() const { return tty_; }
  // Replaces the live line with `text`; skipped when the last draw was under 100 ms ago,
  // unless `force`.
  void draw(const std::string& text, bool force = false);
  // Erases the live line so a whole line (an epoch summary, a warning) can follow.
  void clear();

 private:
  std::FILE* stream_;
  bool tty_;
  double last_draw_s_ = -1.0;  // on the steady clock; < 0: never drawn
};

// "[#####-----]": `done` of `total` as a bar `width` characters wide.
std::string progress_bar(int64_t done, int64_t total, int width);

// "m:ss", or "h:mm:ss" from an hour on; negative seconds show as 0:00.
std::string clock_text(double seconds);

// printf into a std::string.
std::string formatted(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace audiogan::cli
