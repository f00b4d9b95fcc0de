// The CLI's one progress renderer: redrawn in place on a terminal, silent in logs.
#include "cli/progress_line.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace audiogan::cli {
namespace {

// What `draw` and `clear` wrote to a temporary file standing in for the stream.
class Captured {
 public:
  Captured() : file_(std::tmpfile()) {}
  ~Captured() { std::fclose(file_); }
  std::FILE* file() { return file_; }
  std::string text() {
    std::fflush(file_);
    std::rewind(file_);
    std::string out;
    for (int c; (c = std::fgetc(file_)) != EOF;) out.push_back(static_cast<char>(c));
    return out;
  }

 private:
  std::FILE* file_;
};

TEST(ProgressLine, OnATerminalRedrawsInPlaceAndThrottlesUnlessForced) {
  Captured out;
  ProgressLine line(out.file(), true);
  line.draw("a 1/3");
  line.draw("a 2/3");        // within 100 ms of the last draw: skipped
  line.draw("a 3/3", true);  // forced: the final state always shows
  line.clear();
  EXPECT_EQ(out.text(), "\ra 1/3\x1b[K\ra 3/3\x1b[K\r\x1b[K");
}

TEST(ProgressLine, DrawsAgainAfterTheThrottleInterval) {
  Captured out;
  ProgressLine line(out.file(), true);
  line.draw("x");
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  line.draw("y");
  EXPECT_EQ(out.text(), "\rx\x1b[K\ry\x1b[K");
}

TEST(ProgressLine, OffATerminalWritesNothing) {
  Captured out;
  ProgressLine line(out.file(), false);
  line.draw("a 1/3", true);
  line.clear();
  EXPECT_FALSE(line.tty());
  EXPECT_EQ(out.text(), "");
}

TEST(ProgressLine, ATemporaryFileIsNotATerminal) {
  Captured out;
  EXPECT_FALSE(ProgressLine(out.file()).tty());
}

TEST(ProgressBar, FillsInProportionAndClampsOutOfRangeCounts) {
  EXPECT_EQ(progress_bar(0, 4, 8), "[--------]");
  EXPECT_EQ(progress_bar(1, 4, 8), "[##------]");
  EXPECT_EQ(progress_bar(4, 4, 8), "[########]");
  EXPECT_EQ(progress_bar(9, 4, 8), "[########]");
  EXPECT_EQ(progress_bar(3, 0, 4), "[####]");  // no total: treated as 1
}

TEST(ClockText, MinutesUnderAnHourAndHoursAbove) {
  EXPECT_EQ(clock_text(-5), "0:00");
  EXPECT_EQ(clock_text(65.9), "1:05");
  EXPECT_EQ(clock_text(3600 + 62), "1:01:02");
}

TEST(Formatted, PrintsIntoAStringOfAnyLength) {
  EXPECT_EQ(formatted("%s %03d", "step", 7), "step 007");
  EXPECT_EQ(formatted("%s", std::string(1000, 'x').c_str()).size(), 1000u);
}

}  // namespace
}  // namespace audiogan::cli
