// Sampling designs (src/sensitivity/designs.hpp): the Saltelli layout of A, AB_i and B over the
// Sobol' points, Morris's trajectories (one move of +-delta per factor, on the p-level grid,
// a pure function of the seed), and the mapping of unit coordinates to parameter values.
#include "sensitivity/designs.hpp"

#include "sensitivity/sobol_sequence.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

using namespace minesim::sensitivity;

// --- Saltelli ----------------------------------------------------------------------------------

// Block j holds A_j, AB_1 .. AB_k and B_j; A_j and B_j are the first and last k coordinates of
// Sobol' point first_index + j in 2k dimensions; AB_i is A with column i from B.
TEST(SensitivitySaltelliDesign, LayoutOfABAndABi) {
  constexpr std::size_t k = 4;
  constexpr std::size_t n = 16;
  const SaltelliDesign design = saltelli_design(k, n);
  EXPECT_EQ(design.parameters, k);
  EXPECT_EQ(design.base_size, n);
  EXPECT_EQ(design.first_index, 1u);
  EXPECT_EQ(design.block_rows(), k + 2);
  EXPECT_EQ(design.rows(), n * (k + 2));
  ASSERT_EQ(design.unit_points.size(), n * (k + 2) * k);

  for (std::size_t j = 0; j < n; ++j) {
    EXPECT_EQ(design.row_of_a(j), j * (k + 2));
    const double* a = design.unit_points.data() + design.row_of_a(j) * k;
    const double* b = a + (k + 1) * k;
    for (std::size_t c = 0; c < k; ++c) {
      EXPECT_EQ(a[c], sobol_coordinate(1 + j, c)) << "A row " << j << " column " << c;
      EXPECT_EQ(b[c], sobol_coordinate(1 + j, k + c)) << "B row " << j << " column " << c;
    }
    for (std::size_t i = 0; i < k; ++i) {
      const double* ab = a + (1 + i) * k;
      for (std::size_t c = 0; c < k; ++c)
        EXPECT_EQ(ab[c], c == i ? b[c] : a[c]) << "AB_" << i << " row " << j << " column " << c;
    }
  }
}

// The default skips the origin, so every coordinate lies strictly inside (0, 1); from index 0
// the first A and B rows are the origin. A single parameter works, with blocks A, AB_1 = B, B.
TEST(SensitivitySaltelliDesign, FirstIndexAndOneParameter) {
  const SaltelliDesign inside = saltelli_design(3, 64);
  for (const double u : inside.unit_points) {
    EXPECT_GT(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
  const SaltelliDesign from_origin = saltelli_design(2, 4, 0);
  EXPECT_EQ(from_origin.first_index, 0u);
  for (std::size_t c = 0; c < 2 * 4; ++c)
    EXPECT_EQ(from_origin.unit_points[c], 0.0); // A_0, AB_1, AB_2 and B_0 of block 0
  // Block 1 of the origin-based design is block 0 of the default one.
  for (std::size_t c = 0; c < 4 * 2; ++c)
    EXPECT_EQ(from_origin.unit_points[4 * 2 + c], saltelli_design(2, 1).unit_points[c]);

  const SaltelliDesign single = saltelli_design(1, 8);
  ASSERT_EQ(single.unit_points.size(), 8u * 3u);
  for (std::size_t j = 0; j < 8; ++j) {
    EXPECT_EQ(single.unit_points[3 * j], sobol_coordinate(1 + j, 0));
    EXPECT_EQ(single.unit_points[3 * j + 1], sobol_coordinate(1 + j, 1));
    EXPECT_EQ(single.unit_points[3 * j + 2], sobol_coordinate(1 + j, 1));
  }
}

TEST(SensitivitySaltelliDesign, BadSizesThrow) {
  EXPECT_THROW((void)saltelli_design(0, 8), std::invalid_argument);
  EXPECT_THROW((void)saltelli_design(3, 0), std::invalid_argument);
  // 2k Sobol' dimensions must be tabulated: k = 512 fits the 1,024, k = 513 does not.
  EXPECT_THROW((void)saltelli_design(sobol_max_dimensions / 2 + 1, 1), std::invalid_argument);
  EXPECT_NO_THROW((void)saltelli_design(sobol_max_dimensions / 2, 1));
  // Points beyond 2^32 - 1 do not exist.
  EXPECT_THROW((void)saltelli_design(2, 2, sobol_max_points - 1), std::out_of_range);
}

// --- Morris ------------------------------------------------------------------------------------

namespace {

/// Checks the promises of a Morris design: its sizes, every point on the p-level grid in
/// [0, 1], and every trajectory moving each factor exactly once by the recorded +-delta.
void expect_valid_morris(const MorrisDesign& design) {
  const std::size_t k = design.parameters;
  const std::size_t r = design.trajectories;
  const double last_level = static_cast<double>(design.levels - 1);
  ASSERT_EQ(design.rows(), r * (k + 1));
  ASSERT_EQ(design.unit_points.size(), r * (k + 1) * k);
  ASSERT_EQ(design.steps.size(), r * k);

  for (const double u : design.unit_points) {
    ASSERT_GE(u, 0.0);
    ASSERT_LE(u, 1.0);
    const double level = u * last_level;
    ASSERT_NEAR(level, std::round(level), 1e-12) << u << " is off the grid";
  }
  for (std::size_t t = 0; t < r; ++t) {
    std::vector<int> moves(k, 0);
    for (std::size_t s = 0; s < k; ++s) {
      const double* from = design.unit_points.data() + (t * (k + 1) + s) * k;
      const double* to = from + k;
      const MorrisStep& step = design.steps[t * k + s];
      ASSERT_LT(step.factor, k);
      ++moves[step.factor];
      EXPECT_EQ(std::fabs(step.signed_delta), design.delta);
      for (std::size_t i = 0; i < k; ++i) {
        if (i == step.factor)
          EXPECT_NEAR(to[i] - from[i], step.signed_delta, 1e-15)
              << "trajectory " << t << " step " << s;
        else
          EXPECT_EQ(to[i], from[i]) << "trajectory " << t << " step " << s << " factor " << i;
      }
    }
    for (std::size_t i = 0; i < k; ++i)
      EXPECT_EQ(moves[i], 1) << "trajectory " << t << " moves factor " << i << " " << moves[i]
                             << " times";
  }
}

} // namespace

TEST(SensitivityMorrisDesign, TrajectoriesMoveEachFactorOnceOnTheGrid) {
  for (const std::size_t levels : {2u, 4u, 6u, 8u, 10u}) {
    const MorrisDesign design = morris_design(7, 25, levels, 2024);
    EXPECT_EQ(design.parameters, 7u);
    EXPECT_EQ(design.trajectories, 25u);
    EXPECT_EQ(design.levels, levels);
    SCOPED_TRACE(std::string("p = ").append(std::to_string(levels)));
    expect_valid_morris(design);
  }
  expect_valid_morris(morris_design(1, 5, 4, 7)); // one factor: a single step per trajectory
}

// delta = p / (2 (p - 1)): 1 for p = 2, 2/3 for p = 4, 3/5 for p = 6, 4/7 for p = 8.
TEST(SensitivityMorrisDesign, DeltaIsHalfTheLevelsOverTheGridSteps) {
  EXPECT_EQ(morris_design(3, 2, 2, 1).delta, 1.0);
  EXPECT_NEAR(morris_design(3, 2, 4, 1).delta, 2.0 / 3.0, 1e-16);
  EXPECT_NEAR(morris_design(3, 2, 6, 1).delta, 0.6, 1e-16);
  EXPECT_NEAR(morris_design(3, 2, 8, 1).delta, 4.0 / 7.0, 1e-16);
}

// The random draws are spread: over many trajectories every level is a start point of every
// factor, both signs occur, and each factor is moved first in some trajectory.
TEST(SensitivityMorrisDesign, DrawsCoverLevelsSignsAndOrders) {
  constexpr std::size_t k = 4;
  constexpr std::size_t r = 200;
  const MorrisDesign design = morris_design(k, r, 4, 11);
  for (std::size_t i = 0; i < k; ++i) {
    std::set<long> starts;
    std::set<bool> upward;
    std::size_t first_moves = 0;
    for (std::size_t t = 0; t < r; ++t) {
      starts.insert(std::lround(design.unit_points[t * (k + 1) * k + i] * 3.0));
      if (design.steps[t * k].factor == i) ++first_moves;
      for (std::size_t s = 0; s < k; ++s)
        if (design.steps[t * k + s].factor == i)
          upward.insert(design.steps[t * k + s].signed_delta > 0);
    }
    EXPECT_EQ(starts.size(), 4u) << "factor " << i;
    EXPECT_EQ(upward.size(), 2u) << "factor " << i;
    // 50 expected of 200; a binomial(200, 1/4) lies in [25, 75] with overwhelming odds.
    EXPECT_GT(first_moves, 25u) << "factor " << i;
    EXPECT_LT(first_moves, 75u) << "factor " << i;
  }
}

// A pure function of the arguments: the same seed gives the same design, another seed another;
// more trajectories extend the design without changing the first ones.
TEST(SensitivityMorrisDesign, SeedDeterminesTheDesign) {
  const MorrisDesign a = morris_design(6, 10, 4, 99);
  const MorrisDesign b = morris_design(6, 10, 4, 99);
  const MorrisDesign other = morris_design(6, 10, 4, 100);
  EXPECT_EQ(a.unit_points, b.unit_points);
  ASSERT_EQ(a.steps.size(), b.steps.size());
  for (std::size_t s = 0; s < a.steps.size(); ++s) {
    EXPECT_EQ(a.steps[s].factor, b.steps[s].factor);
    EXPECT_EQ(a.steps[s].signed_delta, b.steps[s].signed_delta);
  }
  EXPECT_NE(a.unit_points, other.unit_points);

  const MorrisDesign longer = morris_design(6, 15, 4, 99);
  EXPECT_TRUE(std::equal(a.unit_points.begin(), a.unit_points.end(), longer.unit_points.begin()));
}

TEST(SensitivityMorrisDesign, BadSizesThrow) {
  EXPECT_THROW((void)morris_design(0, 10, 4, 1), std::invalid_argument);
  EXPECT_THROW((void)morris_design(3, 0, 4, 1), std::invalid_argument);
  for (const std::size_t levels : {0u, 1u, 3u, 5u})
    EXPECT_THROW((void)morris_design(3, 10, levels, 1), std::invalid_argument) << levels;
}

// --- parameter values --------------------------------------------------------------------------

// Each column goes through its own distribution's quantile; values worked out by hand.
TEST(SensitivityParameterValues, MapsEachColumnThroughItsDistribution) {
  const std::vector<Distribution> distributions = {uniform_distribution(2.0, 6.0),
                                                   log_uniform_distribution(1.0, 100.0),
                                                   triangular_distribution(0.0, 1.0, 4.0)};
  const std::vector<double> unit = {0.25, 0.5, 0.25, //
                                    0.0,  1.0, 2.0 / 3.0};
  const std::vector<double> values = to_parameter_values(unit, distributions);
  ASSERT_EQ(values.size(), 6u);
  EXPECT_EQ(values[0], 3.0);
  EXPECT_NEAR(values[1], 10.0, 1e-13);
  EXPECT_NEAR(values[2], 1.0, 1e-15);
  EXPECT_EQ(values[3], 2.0);
  EXPECT_EQ(values[4], 100.0);
  EXPECT_NEAR(values[5], 2.0, 1e-15);
  EXPECT_TRUE(to_parameter_values({}, distributions).empty());
}

TEST(SensitivityParameterValues, BadInputsThrow) {
  const std::vector<Distribution> two = {uniform_distribution(0.0, 1.0),
                                         uniform_distribution(0.0, 1.0)};
  const std::vector<double> three_values = {0.1, 0.2, 0.3};
  EXPECT_THROW((void)to_parameter_values(three_values, two), std::invalid_argument);
  EXPECT_THROW((void)to_parameter_values(three_values, std::vector<Distribution>{}),
               std::invalid_argument);

  // A distribution that fails validate() is named by its column.
  const std::vector<Distribution> bad = {uniform_distribution(0.0, 1.0),
                                         log_uniform_distribution(0.0, 1.0)};
  try {
    (void)to_parameter_values(std::vector<double>{0.5, 0.5}, bad);
    ADD_FAILURE() << "no exception for log_uniform with lo = 0";
  } catch (const std::invalid_argument& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("parameter 1"), std::string::npos) << message;
    EXPECT_NE(message.find("log_uniform"), std::string::npos) << message;
  }
}
