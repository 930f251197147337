#pragma once
// A one-line progress bar on stderr for interactive runs. The caller decides whether it is
// shown (`enabled = isatty(stderr) && !quiet`), so redirected output and logs stay clean.
#include <chrono>
#include <cstdint>

namespace minesim {

/// Redraws one stderr line such as
/// `[#########.....]  120/240 steps  85.3 steps/s  ETA 1.4 s`
/// at most about ten times a second. Does nothing when disabled. The destructor calls
/// finish(), so the line is cleared even when a run ends by exception.
class Progress {
public:
  /// `total_steps`: the step count that means done; `enabled`: whether to draw at all.
  Progress(std::int64_t total_steps, bool enabled);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// Report that `steps_done` steps are complete; redraws if the last redraw is at least
  /// 0.1 s old, or when the run has just completed.
  void update(std::int64_t steps_done);

  /// Clear the progress line, leaving the cursor at the start of an empty line. Idempotent;
  /// update() after finish() draws nothing.
  void finish();

private:
  using Clock = std::chrono::steady_clock;

  void draw(std::int64_t steps_done, Clock::time_point now);

  std::int64_t total_;
  bool enabled_;
  bool drawn_ = false;
  int line_length_ = 0; ///< characters of the last drawn line, to blank it out
  Clock::time_point start_;
  Clock::time_point last_draw_;
};

} // namespace minesim
