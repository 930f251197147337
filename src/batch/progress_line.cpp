#include "batch/progress_line.hpp"

#include <cstdio>

namespace minesim::batch {
namespace {

constexpr auto redraw_interval = std::chrono::milliseconds(100);
constexpr auto log_interval = std::chrono::seconds(10);

std::string duration_text(double seconds) {
  char buf[32];
  if (seconds < 60) {
    std::snprintf(buf, sizeof buf, "%.0f s", seconds);
  } else if (seconds < 3600) {
    std::snprintf(buf, sizeof buf, "%.0f min %02.0f s", static_cast<double>(int(seconds) / 60),
                  static_cast<double>(int(seconds) % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f h", seconds / 3600.0);
  }
  return buf;
}

} // namespace

ProgressLine::ProgressLine(std::size_t to_run, std::size_t skipped, bool interactive, bool quiet)
    : to_run_(to_run), skipped_(skipped), interactive_(interactive && !quiet), quiet_(quiet),
      start_(Clock::now()), last_draw_(start_) {}

ProgressLine::~ProgressLine() {
  finish();
}

void ProgressLine::started() {
  const std::lock_guard lock(mutex_);
  ++running_;
  draw(Clock::now(), false);
}

void ProgressLine::finished(const std::string& id, bool failed, bool interrupted,
                            const std::string& message) {
  const std::lock_guard lock(mutex_);
  if (running_ > 0) --running_;
  if (interrupted) return;
  ++done_;
  if (failed) {
    ++failed_;
    clear_line();
    std::fprintf(stderr, "minesim: run %s failed: %s\n", id.c_str(), message.c_str());
  }
  draw(Clock::now(), done_ == to_run_);
}

void ProgressLine::finish() {
  const std::lock_guard lock(mutex_);
  if (finished_) return;
  finished_ = true;
  clear_line();
}

std::string ProgressLine::text(Clock::time_point now) const {
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  std::string line = "batch: " + std::to_string(done_ + skipped_) + "/" +
                     std::to_string(to_run_ + skipped_) + " runs done";
  if (skipped_ > 0) line += " (" + std::to_string(skipped_) + " skipped as complete)";
  line += ", " + std::to_string(failed_) + " failed, " + std::to_string(running_) + " running";
  if (done_ > 0 && done_ < to_run_) {
    const double eta = elapsed / static_cast<double>(done_) * static_cast<double>(to_run_ - done_);
    line += ", ETA " + duration_text(eta);
  } else if (done_ == to_run_) {
    line += ", " + duration_text(elapsed);
  }
  return line;
}

void ProgressLine::draw(Clock::time_point now, bool force) {
  if (quiet_ || finished_) return;
  if (interactive_) {
    if (!force && drawn_length_ > 0 && now - last_draw_ < redraw_interval) return;
    const std::string line = text(now);
    const std::size_t padding = drawn_length_ > line.size() ? drawn_length_ - line.size() : 0;
    std::fprintf(stderr, "\r%s%*s", line.c_str(), static_cast<int>(padding), "");
    std::fflush(stderr);
    drawn_length_ = line.size();
  } else {
    // Logs: a line now and then; the command prints a summary at the end.
    if (now - last_draw_ < log_interval) return;
    std::fprintf(stderr, "%s\n", text(now).c_str());
  }
  last_draw_ = now;
}

void ProgressLine::clear_line() {
  if (!interactive_ || drawn_length_ == 0) return;
  std::fprintf(stderr, "\r%*s\r", static_cast<int>(drawn_length_), "");
  std::fflush(stderr);
  drawn_length_ = 0;
}

} // namespace minesim::batch
