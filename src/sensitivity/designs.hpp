#pragma once
// Sampling designs of global sensitivity analysis, in unit-hypercube coordinates: the
// Saltelli design for Sobol' indices (Saltelli 2002; Saltelli et al. 2010) and Morris's
// one-at-a-time trajectories for elementary effects (Morris 1991; Campolongo et al. 2007).
// `to_parameter_values` maps either through the parameters' distributions.
#include "engine/random.hpp"
#include "sensitivity/distributions.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace minesim::sensitivity {

/// The stream of the Morris design's random draws (start levels, step signs, factor order).
inline constexpr StreamId morris_design_stream = named_stream("sensitivity.morris_design");

/// A Saltelli design for k parameters and base size N. Two N x k matrices A and B are the
/// first and last k columns of the 2k-dimensional Sobol' points first_index ..
/// first_index + N - 1; AB_i is A with its column i taken from B. The rows are laid out as
/// N blocks of k + 2 rows, block j holding row j of A, AB_1 .. AB_k and B in that order (as
/// SALib lays out a design without second-order indices).
struct SaltelliDesign {
  std::size_t parameters = 0;    ///< k
  std::size_t base_size = 0;     ///< N
  std::uint64_t first_index = 1; ///< Sobol' index of row 0 of A and B
  /// N (k + 2) rows of k unit coordinates, row-major.
  std::vector<double> unit_points;

  [[nodiscard]] std::size_t rows() const { return base_size * (parameters + 2); }
  [[nodiscard]] std::size_t block_rows() const { return parameters + 2; }
  /// Row of A in block j; AB_i (i from 0) is the row after it plus i, B the block's last.
  [[nodiscard]] std::size_t row_of_a(std::size_t block) const { return block * block_rows(); }
};

/// The Saltelli design for `parameters` (k >= 1, 2k <= sobol_max_dimensions) and
/// `base_size` (N >= 1) points of the Sobol' sequence from `first_index`. The default skips
/// point 0, the origin, as SALib's Saltelli sampler did: every later coordinate lies strictly
/// inside (0, 1), so no parameter sits on a bound. (A power of two for N keeps the Sobol'
/// points balanced; Owen 2020 notes that skipping point 0 costs some of that balance.)
/// Throws std::invalid_argument or std::out_of_range on sizes outside those ranges.
[[nodiscard]] SaltelliDesign saltelli_design(std::size_t parameters, std::size_t base_size,
                                             std::uint64_t first_index = 1);

/// One step of a Morris trajectory: the factor that moved and by how much (+delta or
/// -delta, in unit coordinates).
struct MorrisStep {
  std::size_t factor = 0;
  double signed_delta = 0.0;
};

/// A Morris design: r trajectories of k + 1 points on the p-level grid {0, 1/(p-1), .., 1}
/// of the unit cube. Each trajectory starts at a random grid point and moves every factor
/// once, in random order, by +delta or -delta (random sign), delta = p / (2 (p - 1))
/// (Morris 1991; the randomized orientation of Campolongo et al. 2007).
struct MorrisDesign {
  std::size_t parameters = 0;   ///< k
  std::size_t trajectories = 0; ///< r
  std::size_t levels = 0;       ///< p
  double delta = 0.0;           ///< p / (2 (p - 1))
  /// r (k + 1) rows of k unit coordinates, row-major; trajectory t has rows t (k + 1) ..
  /// t (k + 1) + k.
  std::vector<double> unit_points;
  /// r k steps; step s of trajectory t (entry t k + s) leads from row t (k + 1) + s to the
  /// next row.
  std::vector<MorrisStep> steps;

  [[nodiscard]] std::size_t rows() const { return trajectories * (parameters + 1); }
};

/// The Morris design for `parameters` (k >= 1), `trajectories` (r >= 1) and an even number
/// of `levels` (p >= 2, so that delta is a whole number p / 2 of grid steps), drawn from
/// CounterRng(seed, morris_design_stream, trajectory, 0): a pure function of the arguments,
/// trajectory by trajectory. Throws std::invalid_argument on other sizes.
[[nodiscard]] MorrisDesign morris_design(std::size_t parameters, std::size_t trajectories,
                                         std::size_t levels, std::uint64_t seed);

/// The parameter values of a design: each unit coordinate of column i mapped through
/// quantile(distributions[i], u). `unit_points` holds rows of distributions.size() values.
/// Throws std::invalid_argument when a distribution fails `validate` (naming its column)
/// or the sizes do not match.
[[nodiscard]] std::vector<double> to_parameter_values(std::span<const double> unit_points,
                                                      std::span<const Distribution> distributions);

} // namespace minesim::sensitivity
