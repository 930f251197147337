#pragma once
// The progress line of a batch on stderr: runs done of the total, failures, runs in flight
// and an ETA. On a terminal one line is redrawn in place; in a log (Slurm output files) a
// plain line is printed at most every `log_interval`, so logs stay short. Failures are
// always reported, one line each.
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>

namespace minesim::batch {

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
  using Clock = std::chrono::steady_clock;
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
  std::size_t drawn_length_ = 0;
  Clock::time_point start_;
  Clock::time_point last_draw_;
};

} // namespace minesim::batch
