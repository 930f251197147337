#include "sensitivity/test_functions.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace minesim::sensitivity {

double ishigami(std::span<const double> x, double a, double b) {
  if (x.size() != 3)
    throw std::invalid_argument("Ishigami function: 3 inputs, not " + std::to_string(x.size()));
  const double sin_x1 = std::sin(x[0]);
  const double sin_x2 = std::sin(x[1]);
  const double x3_squared = x[2] * x[2];
  return sin_x1 + a * sin_x2 * sin_x2 + b * x3_squared * x3_squared * sin_x1;
}

std::vector<Distribution> ishigami_distributions() {
  const Distribution d = uniform_distribution(-std::numbers::pi, std::numbers::pi);
  return {d, d, d};
}

AnalyticIndices ishigami_indices(double a, double b) {
  // With x uniform on [-pi, pi]: E sin^2 = 1/2, E sin^4 = 3/8, E x^4 = pi^4 / 5 and
  // E x^8 = pi^8 / 9. f = sin x1 (1 + b x3^4) + a sin^2 x2, so
  //   V1  = Var E(f | x1) = (1 + b pi^4 / 5)^2 / 2
  //   V2  = a^2 (3/8 - 1/4) = a^2 / 8
  //   V13 = Var(b x3^4) E sin^2 x1 = b^2 (pi^8 / 9 - pi^8 / 25) / 2 = 8 b^2 pi^8 / 225
  // and x3 acts only with x1.
  const double pi4 = std::pow(std::numbers::pi, 4);
  const double v1 = 0.5 * (1.0 + b * pi4 / 5.0) * (1.0 + b * pi4 / 5.0);
  const double v2 = a * a / 8.0;
  const double v13 = 8.0 * b * b * pi4 * pi4 / 225.0;
  const double v = v1 + v2 + v13;
  return {v, {v1 / v, v2 / v, 0.0}, {(v1 + v13) / v, v2 / v, v13 / v}};
}

double g_function(std::span<const double> x, std::span<const double> a) {
  if (x.size() != a.size())
    throw std::invalid_argument("g-function: " + std::to_string(x.size()) + " inputs for " +
                                std::to_string(a.size()) + " coefficients");
  double product = 1.0;
  for (std::size_t i = 0; i < x.size(); ++i)
    product *= (std::fabs(4.0 * x[i] - 2.0) + a[i]) / (1.0 + a[i]);
  return product;
}

AnalyticIndices g_function_indices(std::span<const double> a) {
  // Each factor (|4x - 2| + a) / (1 + a) has mean 1 and variance 1 / (3 (1 + a)^2); the
  // factors are independent, so the variance of the product is prod (1 + V_i) - 1 and the
  // terms involving x_i sum to V_i prod_(j != i) (1 + V_j).
  const std::size_t k = a.size();
  std::vector<double> partial(k);
  double product = 1.0;
  for (std::size_t i = 0; i < k; ++i) {
    partial[i] = 1.0 / (3.0 * (1.0 + a[i]) * (1.0 + a[i]));
    product *= 1.0 + partial[i];
  }
  AnalyticIndices result{product - 1.0, std::vector<double>(k), std::vector<double>(k)};
  for (std::size_t i = 0; i < k; ++i) {
    result.first_order[i] = partial[i] / result.variance;
    result.total[i] = partial[i] * (product / (1.0 + partial[i])) / result.variance;
  }
  return result;
}

} // namespace minesim::sensitivity
