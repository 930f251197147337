#include "app/progress.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

namespace minesim {
namespace {

constexpr auto redraw_interval = std::chrono::milliseconds(100);
constexpr int bar_width = 30;

} // namespace

Progress::Progress(std::int64_t total_steps, bool enabled)
    : total_(std::max<std::int64_t>(total_steps, 0)), enabled_(enabled), start_(Clock::now()),
      last_draw_(start_) {}

Progress::~Progress() {
  finish();
}

void Progress::update(std::int64_t steps_done) {
  if (!enabled_) return;
  const Clock::time_point now = Clock::now();
  // Throttle: a terminal redraw per step would cost more than a fast step itself. The final
  // step is always drawn so the bar is seen to reach the end.
  if (drawn_ && now - last_draw_ < redraw_interval && steps_done < total_) return;
  draw(steps_done, now);
}

void Progress::draw(std::int64_t steps_done, Clock::time_point now) {
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
  std::array<char, 160> line{};
  int length = 0;
  if (rate > 0.0) {
    const double eta = static_cast<double>(total_ - done) / rate;
    length = std::snprintf(line.data(), line.size(),
                           "[%s]  %lld/%lld steps  %.1f steps/s  ETA %.1f s", bar.data(),
                           static_cast<long long>(done), static_cast<long long>(total_), rate, eta);
  } else {
    length = std::snprintf(line.data(), line.size(), "[%s]  %lld/%lld steps", bar.data(),
                           static_cast<long long>(done), static_cast<long long>(total_));
  }
  length = std::clamp(length, 0, static_cast<int>(line.size()) - 1);

  // Pad with spaces over any longer previous line (e.g. when the ETA loses a digit).
  const int padding = std::max(0, line_length_ - length);
  std::fprintf(stderr, "\r%s%*s", line.data(), padding, "");
  std::fflush(stderr);
  line_length_ = length;
  drawn_ = true;
  last_draw_ = now;
}

void Progress::finish() {
  if (!enabled_) return;
  enabled_ = false;
  if (!drawn_) return;
  std::fprintf(stderr, "\r%*s\r", line_length_, "");
  std::fflush(stderr);
}

} // namespace minesim
