#pragma once
// Progress on stderr, for `minesim run` (StepProgress: a bar of steps) and `minesim batch`
// (ProgressLine: runs done, failures, runs in flight). Both redraw one line in place on a
// terminal through TerminalLine, at most about ten times a second, and clear it when done.
// A run's bar is shown only on a terminal (the caller decides); a batch prints a plain
// line at most every `log_interval` in a log (Slurm output files), so logs stay short, and
// reports failures always, one line each.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace minesim::batch {

/// One stderr line redrawn in place on a terminal: each draw returns to the start of the
/// line and pads with spaces over a longer previous text; clear() blanks it. Not
/// thread-safe: its owner serialises the calls.
class TerminalLine {
public:
  using Clock = std::chrono::steady_clock;
  /// Redraws closer together than this are skipped (see due()).
  static constexpr auto redraw_interval = std::chrono::milliseconds(100);

  /// Whether a redraw is due at `now`: nothing is drawn, or the last draw is at least
  /// redraw_interval old. A terminal redraw per event would cost more than a fast event.
  [[nodiscard]] bool due(Clock::time_point now) const {
    return length_ == 0 || now - last_draw_ >= redraw_interval;
  }
  /// Draw `text` over the line (no line break in it) and flush stderr.
  void draw(std::string_view text, Clock::time_point now);
  /// Blank the line and leave the cursor at its start, if anything is drawn.
  void clear();

private:
  std::size_t length_ = 0; ///< characters of the last drawn text, to blank it out
  Clock::time_point last_draw_;
};

/// A run's progress bar, such as
/// `[#########.....]  120/240 steps  85.3 steps/s  ETA 1.4 s`
/// Does nothing when disabled (the caller enables it when stderr is a terminal and the run
/// is not quiet). The destructor calls finish(), so the line is cleared even when a run
/// ends by exception.
class StepProgress {
public:
  /// `total_steps`: the step count that means done; `enabled`: whether to draw at all.
  StepProgress(std::int64_t total_steps, bool enabled);
  ~StepProgress();
  StepProgress(const StepProgress&) = delete;
  StepProgress& operator=(const StepProgress&) = delete;

  /// Report that `steps_done` steps are complete; redraws if a redraw is due, or when the
  /// run has just completed (the bar is seen to reach the end).
  void update(std::int64_t steps_done);

  /// Clear the bar, leaving the cursor at the start of an empty line. Idempotent; update()
  /// after finish() draws nothing.
  void finish();

private:
  using Clock = TerminalLine::Clock;

  void draw(std::int64_t steps_done, Clock::time_point now);

  std::int64_t total_;
  bool enabled_;
  Clock::time_point start_;
  TerminalLine line_;
};

/// The progress line of a batch.
class ProgressLine {
public:
  /// `to_run`: runs this process will report on; `skipped`: runs already complete.
  /// `interactive`: redraw one line (stderr is a terminal); `quiet`: report failures only.
  ProgressLine(std::size_t to_run, std::size_t skipped, bool interactive, bool quiet);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  /// A run has started (thread-safe).
  void started();
  /// A run has ended: `failed` with `message`, or complete; `interrupted` runs are not
  /// counted as done (thread-safe).
  void finished(const std::string& id, bool failed, bool interrupted, const std::string& message);
  /// Clear the line (idempotent).
  void finish();

private:
  using Clock = TerminalLine::Clock;
  void draw(Clock::time_point now, bool force);
  [[nodiscard]] std::string text(Clock::time_point now) const;
  void clear_line();

  std::mutex mutex_;
  std::size_t to_run_;
  std::size_t skipped_;
  bool interactive_;
  bool quiet_;
  bool finished_ = false;
  std::size_t done_ = 0;
  std::size_t failed_ = 0;
  std::size_t running_ = 0;
  Clock::time_point start_;
  Clock::time_point last_log_; ///< when the last plain line was printed (logs only)
  TerminalLine line_;
};

} // namespace minesim::batch
