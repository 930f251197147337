#pragma once
// A guard against NaN and infinity in a run's output: after each step, the values recorded
// since the previous check are scanned, so the first bad value is caught at the step that
// made it, not found later in a plot. The command line uses it in Debug and sanitizer
// builds and with -DMINESIM_CHECK_FINITE=ON (cmake/sources_hardening.cmake); it costs one
// pass over a few dozen numbers per step.
#include "engine/record.hpp"

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace minesim {

/// A time series holds a NaN or an infinity: a model bug, never bad input.
class NonFiniteValue : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Remembers how far each series has been checked.
class FiniteCheck {
public:
  /// Check every value of `series` recorded since the last call. Throws NonFiniteValue
  /// naming the first bad one: "time series S_mean is nan at step 12". Index i of a
  /// series is step i (index 0 is the initial state).
  void scan(const std::vector<TimeSeries>& series) {
    if (checked_.size() < series.size()) checked_.resize(series.size(), 0);
    for (std::size_t k = 0; k < series.size(); ++k) {
      const std::vector<double>& values = series[k].values;
      for (std::size_t i = checked_[k]; i < values.size(); ++i) {
        if (!std::isfinite(values[i])) {
          throw NonFiniteValue("time series " + series[k].name + " is " +
                               (std::isnan(values[i]) ? "nan" : "infinite") + " at step " +
                               std::to_string(i));
        }
      }
      checked_[k] = values.size();
    }
  }

private:
  std::vector<std::size_t> checked_;
};

/// Whether this build checks every step (see the file comment).
#ifdef MINESIM_CHECK_FINITE
inline constexpr bool check_finite_each_step = true;
#else
inline constexpr bool check_finite_each_step = false;
#endif

} // namespace minesim
