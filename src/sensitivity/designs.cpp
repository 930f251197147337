#include "sensitivity/designs.hpp"

#include "sensitivity/sobol_sequence.hpp"

#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>

namespace minesim::sensitivity {

SaltelliDesign saltelli_design(std::size_t parameters, std::size_t base_size,
                               std::uint64_t first_index) {
  if (parameters == 0) throw std::invalid_argument("Saltelli design: no parameters");
  if (base_size == 0) throw std::invalid_argument("Saltelli design: base size 0");
  if (2 * parameters > sobol_max_dimensions)
    throw std::invalid_argument("Saltelli design: " + std::to_string(parameters) +
                                " parameters need " + std::to_string(2 * parameters) +
                                " Sobol' dimensions, beyond the " +
                                std::to_string(sobol_max_dimensions) + " tabulated");
  const std::size_t k = parameters;
  const std::vector<double> base = sobol_points(first_index, base_size, 2 * k);

  SaltelliDesign design;
  design.parameters = k;
  design.base_size = base_size;
  design.first_index = first_index;
  design.unit_points.resize(design.rows() * k);
  for (std::size_t j = 0; j < base_size; ++j) {
    const double* a = base.data() + j * 2 * k;
    const double* b = a + k;
    double* block = design.unit_points.data() + design.row_of_a(j) * k;
    for (std::size_t row = 0; row < k + 2; ++row) {
      // Row 0 is A, row 1 + i is AB_i, row k + 1 is B.
      double* out = block + row * k;
      for (std::size_t c = 0; c < k; ++c)
        out[c] = row == k + 1 || row == c + 1 ? b[c] : a[c];
    }
  }
  return design;
}

MorrisDesign morris_design(std::size_t parameters, std::size_t trajectories, std::size_t levels,
                           std::uint64_t seed) {
  if (parameters == 0) throw std::invalid_argument("Morris design: no parameters");
  if (trajectories == 0) throw std::invalid_argument("Morris design: no trajectories");
  if (levels < 2 || levels % 2 != 0)
    throw std::invalid_argument("Morris design: the number of levels must be even and at least "
                                "2, not " +
                                std::to_string(levels));
  const std::size_t k = parameters;
  // delta = p / (2 (p - 1)) is `jump` grid steps of 1 / (p - 1); a factor starting on one of
  // the lowest p / 2 levels can move up by delta and stay on the grid.
  const std::size_t jump = levels / 2;
  const auto last_level = static_cast<double>(levels - 1);

  MorrisDesign design;
  design.parameters = k;
  design.trajectories = trajectories;
  design.levels = levels;
  design.delta = static_cast<double>(levels) / (2.0 * static_cast<double>(levels - 1));
  design.unit_points.resize(design.rows() * k);
  design.steps.resize(trajectories * k);

  std::vector<std::size_t> level(k);
  std::vector<int> sign(k);
  std::vector<std::size_t> order(k);
  for (std::size_t t = 0; t < trajectories; ++t) {
    // Draws 0 .. k-1: the lower level of each factor's move; k .. 2k-1: its direction;
    // 2k .. 3k-2: the factor order (Fisher-Yates).
    const CounterRng rng(seed, morris_design_stream, t, 0);
    for (std::size_t i = 0; i < k; ++i) {
      const auto lower = static_cast<std::size_t>(rng.below(i, jump));
      sign[i] = rng.below(k + i, 2) == 1 ? 1 : -1;
      level[i] = sign[i] > 0 ? lower : lower + jump;
    }
    std::iota(order.begin(), order.end(), std::size_t{0});
    for (std::size_t i = k; i-- > 1;) {
      const auto j = static_cast<std::size_t>(rng.below(2 * k + (k - 1 - i), i + 1));
      std::swap(order[i], order[j]);
    }

    double* rows = design.unit_points.data() + t * (k + 1) * k;
    for (std::size_t i = 0; i < k; ++i)
      rows[i] = static_cast<double>(level[i]) / last_level;
    for (std::size_t s = 0; s < k; ++s) {
      const std::size_t f = order[s];
      level[f] = sign[f] > 0 ? level[f] + jump : level[f] - jump;
      double* row = rows + (s + 1) * k;
      for (std::size_t i = 0; i < k; ++i)
        row[i] = static_cast<double>(level[i]) / last_level;
      design.steps[t * k + s] = {f, sign[f] > 0 ? design.delta : -design.delta};
    }
  }
  return design;
}

std::vector<double> to_parameter_values(std::span<const double> unit_points,
                                        std::span<const Distribution> distributions) {
  const std::size_t k = distributions.size();
  if (k == 0) throw std::invalid_argument("parameter values: no distributions");
  if (unit_points.size() % k != 0)
    throw std::invalid_argument("parameter values: " + std::to_string(unit_points.size()) +
                                " unit coordinates do not make rows of " + std::to_string(k));
  for (std::size_t i = 0; i < k; ++i)
    if (const std::string error = validate(distributions[i]); !error.empty())
      throw std::invalid_argument("parameter " + std::to_string(i) + ": " + error);
  std::vector<double> values(unit_points.size());
  for (std::size_t r = 0; r < unit_points.size(); r += k)
    for (std::size_t i = 0; i < k; ++i)
      values[r + i] = quantile(distributions[i], unit_points[r + i]);
  return values;
}

} // namespace minesim::sensitivity
