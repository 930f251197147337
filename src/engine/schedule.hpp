#pragma once
// The step scheduler: an ordered list of named phases run once per step (or on a cadence),
// with wall-clock time kept per phase. It knows nothing of what the phases do.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace minesim {

class Schedule {
public:
  using Phase = std::function<void(std::int64_t step)>;
  using Cadence = std::function<bool(std::int64_t step)>;

  /// Append a phase that runs at every step for which `when` is true (every step when empty).
  /// A phase without a body holds its place in the order but does nothing (a submodel that
  /// this version does not model).
  void add(std::string name, Phase body, Cadence when = {});

  /// Run every due phase of `step`, in order.
  void run_step(std::int64_t step);

  [[nodiscard]] std::size_t size() const { return phases_.size(); }
  [[nodiscard]] const std::string& name(std::size_t k) const { return phases_[k].name; }
  [[nodiscard]] bool modelled(std::size_t k) const { return static_cast<bool>(phases_[k].body); }
  /// Seconds spent in phase k so far.
  [[nodiscard]] double seconds(std::size_t k) const { return phases_[k].seconds; }

private:
  struct Entry {
    std::string name;
    Phase body;
    Cadence when;
    double seconds = 0.0;
  };
  std::vector<Entry> phases_;
};

/// Yearly cadence: steps where step % 12 == 0 (docs/odd.md: "a year" is 12 steps).
[[nodiscard]] inline bool is_year_end(std::int64_t step) {
  return step > 0 && step % 12 == 0;
}

} // namespace minesim
