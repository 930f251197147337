#pragma once
// Sensitivity indices from the outputs of a design, with bootstrap percentile intervals:
// first-order and total Sobol' indices from a Saltelli design, and Morris's elementary-effect
// statistics from a Morris design. Sums run in a fixed order with no parallel reduction, and
// the resampling is counter-based, so results are bit-identical from run to run.
#include "engine/random.hpp"
#include "sensitivity/designs.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace minesim::sensitivity {

/// The streams of the bootstrap resampling; resample b draws from CounterRng(seed, stream,
/// b, 0), so each resample is a pure function of the seed and its number.
inline constexpr StreamId sobol_bootstrap_stream = named_stream("sensitivity.sobol_bootstrap");
inline constexpr StreamId morris_bootstrap_stream = named_stream("sensitivity.morris_bootstrap");

/// How to bootstrap an index's interval.
struct BootstrapOptions {
  std::size_t resamples = 1000; ///< B; 0 leaves the intervals NaN
  double confidence = 0.95;     ///< coverage of the percentile interval, in (0, 1)
  std::uint64_t seed = 0;       ///< key of the resampling stream
};

/// A percentile bootstrap interval: the (1 - c) / 2 and (1 + c) / 2 quantiles (type 7) of the
/// resampled index. NaN when the index is undefined or no resample is drawn.
struct Interval {
  double lower = std::numeric_limits<double>::quiet_NaN();
  double upper = std::numeric_limits<double>::quiet_NaN();
};

/// The Sobol' indices of one parameter for one output. NaN where undefined (zero variance).
struct SobolIndex {
  double first_order = std::numeric_limits<double>::quiet_NaN(); ///< S1
  Interval first_order_interval;
  double total = std::numeric_limits<double>::quiet_NaN(); ///< ST
  Interval total_interval;
};

/// The Sobol' indices of every parameter for one output.
struct SobolIndices {
  std::size_t base_size = 0; ///< N, the blocks the outputs held
  /// V, the variance (divisor 2N) of the concatenated f_A and f_B outputs
  double variance = std::numeric_limits<double>::quiet_NaN();
  std::vector<SobolIndex> parameters; ///< one per parameter, in design order
};

/// First-order and total Sobol' indices from `outputs`, one model output per row of a
/// SaltelliDesign for `parameters` parameters (N blocks of f_A, f_AB_1 .. f_AB_k, f_B).
///   S1_i = mean(f_B (f_AB_i - f_A)) / V    (Saltelli et al. 2010, Table 2 (b))
///   ST_i = mean((f_A - f_AB_i)^2) / (2V)    (Jansen 1999)
/// with V the variance of the 2N outputs f_A and f_B. f_B is centred on their mean in the
/// first-order sum: the expectation is unchanged (f_AB_i - f_A has mean zero), but the
/// estimate no longer grows noisier with the output's offset from zero. Intervals resample
/// the N blocks with replacement. Throws std::invalid_argument when the outputs are not
/// whole blocks of parameters + 2, there are none, or the confidence is outside (0, 1).
[[nodiscard]] SobolIndices sobol_indices(std::span<const double> outputs, std::size_t parameters,
                                         const BootstrapOptions& bootstrap = {});

/// Morris's statistics of one factor's elementary effects for one output. Effects are in
/// unit-cube coordinates: the output change divided by the signed step (+-delta) of the unit
/// coordinate, not by the step in the parameter's own units, so factors with different
/// units and distributions compare directly. NaN where undefined (sigma needs r >= 2).
struct MorrisIndex {
  double mu = std::numeric_limits<double>::quiet_NaN();      ///< mean EE (Morris 1991)
  double mu_star = std::numeric_limits<double>::quiet_NaN(); ///< mean |EE| (Campolongo 2007)
  double sigma = std::numeric_limits<double>::quiet_NaN();   ///< sample sd of EE, divisor r - 1
  Interval mu_star_interval; ///< resampling the r trajectories with replacement
};

/// The elementary effects of `outputs`, one per row of `design`: r per factor, factor-major
/// (entry f r + t is factor f in trajectory t). Throws std::invalid_argument when the
/// outputs do not match the design's rows.
[[nodiscard]] std::vector<double> elementary_effects(const MorrisDesign& design,
                                                     std::span<const double> outputs);

/// Morris's mu, mu* and sigma of every factor, with a bootstrap interval for mu*.
/// Throws std::invalid_argument as elementary_effects does, or for a confidence outside (0, 1).
[[nodiscard]] std::vector<MorrisIndex> morris_indices(const MorrisDesign& design,
                                                      std::span<const double> outputs,
                                                      const BootstrapOptions& bootstrap = {});

} // namespace minesim::sensitivity
