#include "batch/progress_line.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

namespace minesim::batch {
namespace {

constexpr auto log_interval = std::chrono::seconds(10);
constexpr int bar_width = 30;

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

// --- TerminalLine --------------------------------------------------------------------------

void TerminalLine::draw(std::string_view text, Clock::time_point now) {
  // Pad with spaces over any longer previous text (e.g. when the ETA loses a digit).
  const std::size_t padding = length_ > text.size() ? length_ - text.size() : 0;
  std::fprintf(stderr, "\r%.*s%*s", static_cast<int>(text.size()), text.data(),
               static_cast<int>(padding), "");
  std::fflush(stderr);
  length_ = text.size();
  last_draw_ = now;
}

void TerminalLine::clear() {
  if (length_ == 0) return;
  std::fprintf(stderr, "\r%*s\r", static_cast<int>(length_), "");
  std::fflush(stderr);
  length_ = 0;
}

// --- StepProgress --------------------------------------------------------------------------

StepProgress::StepProgress(std::int64_t total_steps, bool enabled)
    : total_(std::max<std::int64_t>(total_steps, 0)), enabled_(enabled), start_(Clock::now()) {}

StepProgress::~StepProgress() {
  finish();
}

void StepProgress::update(std::int64_t steps_done) {
  if (!enabled_) return;
  const Clock::time_point now = Clock::now();
  if (!line_.due(now) && steps_done < total_) return;
  draw(steps_done, now);
}

void StepProgress::draw(std::int64_t steps_done, Clock::time_point now) {
  const std::int64_t done = std::clamp<std::int64_t>(steps_done, 0, total_);
  const double fraction =
      total_ > 0 ? static_cast<double>(done) / static_cast<double>(total_) : 1.0;
  const auto filled = static_cast<int>(fraction * bar_width);

  std::array<char, bar_width + 1> bar{};
  for (int i = 0; i < bar_width; ++i)
    bar[static_cast<std::size_t>(i)] = i < filled ? '#' : '.';

  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0.0 ? static_cast<double>(done) / elapsed : 0.0;

  // One fixed buffer: no allocation per redraw.
  std::array<char, 160> text{};
  int length = 0;
  if (rate > 0.0) {
    const double eta = static_cast<double>(total_ - done) / rate;
    length = std::snprintf(text.data(), text.size(),
                           "[%s]  %lld/%lld steps  %.1f steps/s  ETA %.1f s", bar.data(),
                           static_cast<long long>(done), static_cast<long long>(total_), rate, eta);
  } else {
    length = std::snprintf(text.data(), text.size(), "[%s]  %lld/%lld steps", bar.data(),
                           static_cast<long long>(done), static_cast<long long>(total_));
  }
  length = std::clamp(length, 0, static_cast<int>(text.size()) - 1);
  line_.draw(std::string_view(text.data(), static_cast<std::size_t>(length)), now);
}

void StepProgress::finish() {
  if (!enabled_) return;
  enabled_ = false;
  line_.clear();
}

// --- ProgressLine --------------------------------------------------------------------------

ProgressLine::ProgressLine(std::size_t to_run, std::size_t skipped, bool interactive, bool quiet)
    : to_run_(to_run), skipped_(skipped), interactive_(interactive && !quiet), quiet_(quiet),
      start_(Clock::now()), last_log_(start_) {}

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
    if (!force && !line_.due(now)) return;
    line_.draw(text(now), now);
  } else {
    // Logs: a line now and then; the command prints a summary at the end.
    if (now - last_log_ < log_interval) return;
    std::fprintf(stderr, "%s\n", text(now).c_str());
    last_log_ = now;
  }
}

void ProgressLine::clear_line() {
  if (!interactive_) return;
  line_.clear();
}

} // namespace minesim::batch
