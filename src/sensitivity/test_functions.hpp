#pragma once
// Analytic test functions of global sensitivity analysis with closed-form Sobol' indices,
// against which the designs and estimators are validated: the Ishigami function (Ishigami
// and Homma 1990) and Sobol's g-function (Saltelli and Sobol' 1995).
#include "sensitivity/distributions.hpp"

#include <span>
#include <vector>

namespace minesim::sensitivity {

/// Closed-form variance decomposition of a test function: V and, per input, S1 and ST.
struct AnalyticIndices {
  double variance = 0.0;
  std::vector<double> first_order;
  std::vector<double> total;
};

inline constexpr double ishigami_a = 7.0; ///< the usual a of the Ishigami function
inline constexpr double ishigami_b = 0.1; ///< the usual b

/// The Ishigami function sin x1 + a sin^2 x2 + b x3^4 sin x1 of three inputs, each uniform on
/// [-pi, pi]. Throws std::invalid_argument unless x has 3 values.
[[nodiscard]] double ishigami(std::span<const double> x, double a = ishigami_a,
                              double b = ishigami_b);

/// The inputs' distributions of the Ishigami function: three uniform on [-pi, pi].
[[nodiscard]] std::vector<Distribution> ishigami_distributions();

/// The Ishigami function's indices: with V1 = (1 + b pi^4 / 5)^2 / 2, V2 = a^2 / 8,
/// V13 = 8 b^2 pi^8 / 225 and V = V1 + V2 + V13, S1 = (V1 / V, V2 / V, 0) and
/// ST = ((V1 + V13) / V, V2 / V, V13 / V). For a = 7, b = 0.1: S1 = (0.3139, 0.4424, 0),
/// ST = (0.5576, 0.4424, 0.2437).
[[nodiscard]] AnalyticIndices ishigami_indices(double a = ishigami_a, double b = ishigami_b);

/// Sobol's g-function prod_i (|4 x_i - 2| + a_i) / (1 + a_i) on [0, 1]^k, with a_i >= 0
/// (smaller a_i: more important x_i). Throws std::invalid_argument when x and a differ in
/// length.
[[nodiscard]] double g_function(std::span<const double> x, std::span<const double> a);

/// The g-function's indices: V_i = 1 / (3 (1 + a_i)^2), V = prod_i (1 + V_i) - 1,
/// S1_i = V_i / V, ST_i = V_i prod_(j != i) (1 + V_j) / V.
[[nodiscard]] AnalyticIndices g_function_indices(std::span<const double> a);

} // namespace minesim::sensitivity
