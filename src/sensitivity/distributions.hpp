#pragma once
// The distributions a sensitivity study draws parameters from, and their inverse CDFs, which
// map the unit-hypercube coordinates of a design (Sobol', Saltelli, Morris) to parameter
// values. Every kind has bounded support by default, so the design's corners map to finite
// values.
#include <string>
#include <string_view>

namespace minesim::sensitivity {

/// The family of a parameter's distribution.
enum class DistributionKind {
  uniform,          ///< uniform on [lo, hi]
  log_uniform,      ///< log x uniform on [log lo, log hi]; needs 0 < lo
  triangular,       ///< triangular on [lo, hi] with its peak at mode
  truncated_normal, ///< normal(mean, sd) conditioned on [lo, hi]
};

/// The name of `kind` as written in study files and messages ("log_uniform").
[[nodiscard]] std::string_view kind_name(DistributionKind kind) noexcept;

/// A parameter's distribution: a plain struct, built by the functions below and checked
/// once by `validate`. Fields a kind does not use are ignored.
struct Distribution {
  DistributionKind kind = DistributionKind::uniform;
  double lo = 0.0;   ///< lower bound; only truncated_normal may have -infinity
  double hi = 1.0;   ///< upper bound; only truncated_normal may have +infinity
  double mode = 0.0; ///< triangular: the peak, lo <= mode <= hi
  double mean = 0.0; ///< truncated_normal: mean of the normal before truncation
  double sd = 1.0;   ///< truncated_normal: standard deviation before truncation, > 0
};

[[nodiscard]] Distribution uniform_distribution(double lo, double hi) noexcept;
[[nodiscard]] Distribution log_uniform_distribution(double lo, double hi) noexcept;
[[nodiscard]] Distribution triangular_distribution(double lo, double mode, double hi) noexcept;
[[nodiscard]] Distribution truncated_normal_distribution(double mean, double sd, double lo,
                                                         double hi) noexcept;

/// Why `d` cannot be used ("lo must be below hi"), or "" when it can: bounds not finite
/// (truncated_normal aside), lo >= hi, lo <= 0 for log_uniform, mode outside [lo, hi],
/// sd <= 0, or a truncation interval so far in a tail (beyond about 37 sd) that its
/// probability underflows in double precision.
[[nodiscard]] std::string validate(const Distribution& d);

/// The inverse CDF of `d` at u in [0, 1]: the parameter value below which a fraction u of
/// the distribution lies. u = 0 gives lo and u = 1 gives hi; results are clamped to
/// [lo, hi] against rounding. NaN for u outside [0, 1] or NaN. `d` must pass `validate`.
[[nodiscard]] double quantile(const Distribution& d, double u);

/// The standard normal CDF, 0.5 erfc(-x / sqrt 2).
[[nodiscard]] double standard_normal_cdf(double x);

/// The standard normal upper tail 1 - CDF, computed as 0.5 erfc(x / sqrt 2) so that it
/// keeps its relative precision for large x (where 1 - CDF would round to 0).
[[nodiscard]] double standard_normal_upper_tail(double x);

/// The standard normal quantile (inverse CDF) by Wichura's algorithm AS 241 (PPND16,
/// Wichura 1988, Applied Statistics 37(3) 477-484), relative error about 1e-16. -infinity
/// at p = 0, +infinity at p = 1, NaN outside [0, 1].
[[nodiscard]] double standard_normal_quantile(double p);

} // namespace minesim::sensitivity
