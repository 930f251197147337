// Sensitivity estimators (src/sensitivity/estimators.hpp) against the analytic test functions
// (src/sensitivity/test_functions.hpp): Sobol' indices of the Ishigami function and the
// g-function against their closed forms, with bootstrap intervals that cover them; Morris's
// statistics against the g-function's known ordering and a linear function's exact effects;
// and the estimators' promises of determinism, NaN for zero variance and size checks.
#include "sensitivity/estimators.hpp"

#include "sensitivity/designs.hpp"
#include "sensitivity/test_functions.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <numbers>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

using namespace minesim::sensitivity;

namespace {

/// The g-function coefficients of the tests: x1 most important, x5 and x6 nearly inert.
const std::vector<double> g_coefficients = {0.0, 1.0, 4.5, 9.0, 99.0, 99.0};

/// `model` at each row of `values` (rows of k values).
std::vector<double> evaluate(std::span<const double> values, std::size_t k,
                             const std::function<double(std::span<const double>)>& model) {
  std::vector<double> outputs(values.size() / k);
  for (std::size_t r = 0; r < outputs.size(); ++r)
    outputs[r] = model(values.subspan(r * k, k));
  return outputs;
}

/// The Ishigami outputs of a Saltelli design of base size n.
std::vector<double> ishigami_outputs(std::size_t n) {
  const SaltelliDesign design = saltelli_design(3, n);
  const std::vector<double> values =
      to_parameter_values(design.unit_points, ishigami_distributions());
  return evaluate(values, 3, [](std::span<const double> x) { return ishigami(x); });
}

/// The g-function outputs of a Saltelli design of base size n; the inputs are uniform on
/// [0, 1], so the unit coordinates are the inputs.
std::vector<double> g_outputs(std::size_t n) {
  const SaltelliDesign design = saltelli_design(g_coefficients.size(), n);
  return evaluate(design.unit_points, g_coefficients.size(),
                  [](std::span<const double> x) { return g_function(x, g_coefficients); });
}

/// Each estimate within `tolerance` of the closed form, and the closed form inside the
/// estimate's bootstrap interval.
void expect_matches_closed_form(const SobolIndices& estimated, const AnalyticIndices& exact,
                                double tolerance) {
  ASSERT_EQ(estimated.parameters.size(), exact.first_order.size());
  for (std::size_t i = 0; i < exact.first_order.size(); ++i) {
    const SobolIndex& index = estimated.parameters[i];
    SCOPED_TRACE(std::string("x").append(std::to_string(i + 1)));
    EXPECT_NEAR(index.first_order, exact.first_order[i], tolerance);
    EXPECT_NEAR(index.total, exact.total[i], tolerance);
    EXPECT_LE(index.first_order_interval.lower, exact.first_order[i]);
    EXPECT_GE(index.first_order_interval.upper, exact.first_order[i]);
    EXPECT_LE(index.total_interval.lower, exact.total[i]);
    EXPECT_GE(index.total_interval.upper, exact.total[i]);
    // The percentile interval brackets its own estimate.
    EXPECT_LE(index.first_order_interval.lower, index.first_order);
    EXPECT_GE(index.first_order_interval.upper, index.first_order);
    EXPECT_LE(index.total_interval.lower, index.total);
    EXPECT_GE(index.total_interval.upper, index.total);
  }
}

/// Bit-identical indices and intervals (NaN equal to NaN).
bool same_bits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

} // namespace

// --- the closed forms themselves ----------------------------------------------------------------

// The Ishigami indices for a = 7, b = 0.1 as the literature quotes them to four decimals
// (S1 = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424, 0.2437; V = 13.8446), typed in here rather
// than recomputed from the formulas under test.
TEST(SensitivityTestFunctions, IshigamiClosedFormMatchesPublishedValues) {
  const AnalyticIndices exact = ishigami_indices();
  EXPECT_NEAR(exact.variance, 13.8446, 5e-5);
  ASSERT_EQ(exact.first_order.size(), 3u);
  ASSERT_EQ(exact.total.size(), 3u);
  EXPECT_NEAR(exact.first_order[0], 0.3139, 5e-5);
  EXPECT_NEAR(exact.first_order[1], 0.4424, 5e-5);
  EXPECT_EQ(exact.first_order[2], 0.0);
  EXPECT_NEAR(exact.total[0], 0.5576, 5e-5);
  EXPECT_NEAR(exact.total[1], 0.4424, 5e-5);
  EXPECT_NEAR(exact.total[2], 0.2437, 5e-5);
}

// sin x1 + 7 sin^2 x2 + 0.1 x3^4 sin x1 at hand-picked points.
TEST(SensitivityTestFunctions, IshigamiValues) {
  const double pi = std::numbers::pi;
  EXPECT_EQ(ishigami(std::vector<double>{0.0, 0.0, 0.0}), 0.0);
  EXPECT_NEAR(ishigami(std::vector<double>{pi / 2, pi / 2, 1.0}), 1.0 + 7.0 + 0.1, 1e-14);
  EXPECT_NEAR(ishigami(std::vector<double>{-pi / 2, 0.0, 2.0}), -1.0 - 1.6, 1e-14);
  EXPECT_NEAR(ishigami(std::vector<double>{pi / 2, 0.0, 0.0}, 5.0, 0.0), 1.0, 1e-15);
  EXPECT_THROW((void)ishigami(std::vector<double>{0.0, 0.0}), std::invalid_argument);
  for (const Distribution& d : ishigami_distributions()) {
    EXPECT_EQ(d.kind, DistributionKind::uniform);
    EXPECT_EQ(d.lo, -pi);
    EXPECT_EQ(d.hi, pi);
  }
}

// For a = (0, 1, 4.5, 9, 99, 99): V_i = 1/3, 1/12, 1/90.75, 1/300, 1/30000, 1/30000, so
// V = prod (1 + V_i) - 1 = 0.4653, and the indices below, worked out independently to four
// decimals (x5 and x6: S1 = 0.0000716, ST = 0.000105).
TEST(SensitivityTestFunctions, GFunctionClosedFormMatchesHandValues) {
  const AnalyticIndices exact = g_function_indices(g_coefficients);
  EXPECT_NEAR(exact.variance, 0.4653, 5e-5);
  const double first_order[] = {0.7163, 0.1791, 0.0237, 0.0072, 0.0000716, 0.0000716};
  const double total[] = {0.7873, 0.2422, 0.0343, 0.0105, 0.000105, 0.000105};
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_NEAR(exact.first_order[i], first_order[i], 5e-5) << "x" << i + 1;
    EXPECT_NEAR(exact.total[i], total[i], 5e-5) << "x" << i + 1;
  }
  // One input: all the variance is its own, 1 / (3 (1 + a)^2) (computed as (1 + V_1) - 1,
  // which costs a few ulps).
  const AnalyticIndices single = g_function_indices(std::vector<double>{2.0});
  EXPECT_NEAR(single.variance, 1.0 / 27.0, 1e-16);
  EXPECT_NEAR(single.first_order[0], 1.0, 1e-14);
  EXPECT_NEAR(single.total[0], 1.0, 1e-14);
}

// prod (|4 x_i - 2| + a_i) / (1 + a_i): 0 at the centre when some a_i = 0, (2 + a) / (1 + a)
// per factor at the corners.
TEST(SensitivityTestFunctions, GFunctionValues) {
  const std::vector<double> centre(6, 0.5);
  const std::vector<double> corner = {0.0, 1.0, 0.0, 1.0, 0.0, 1.0};
  EXPECT_EQ(g_function(centre, g_coefficients), 0.0);
  EXPECT_NEAR(g_function(corner, g_coefficients),
              2.0 * 1.5 * (6.5 / 5.5) * (11.0 / 10.0) * (101.0 / 100.0) * (101.0 / 100.0), 1e-14);
  EXPECT_NEAR(g_function(std::vector<double>{0.875}, std::vector<double>{1.0}), 2.5 / 2.0, 1e-15);
  EXPECT_THROW((void)g_function(centre, std::vector<double>{0.0}), std::invalid_argument);
}

// --- Sobol' indices -----------------------------------------------------------------------------

// The Saltelli 2010 first-order and Jansen total estimators at N = 4096 Sobol' points recover
// the Ishigami indices within 0.03, and 95% bootstrap intervals from 500 resamples cover them.
TEST(SensitivitySobolIndices, IshigamiRecoversClosedForm) {
  const std::vector<double> outputs = ishigami_outputs(4096);
  const SobolIndices estimated = sobol_indices(outputs, 3, {500, 0.95, 1});
  EXPECT_EQ(estimated.base_size, 4096u);
  EXPECT_NEAR(estimated.variance, ishigami_indices().variance, 0.3);
  expect_matches_closed_form(estimated, ishigami_indices(), 0.03);
}

TEST(SensitivitySobolIndices, GFunctionRecoversClosedForm) {
  const std::vector<double> outputs = g_outputs(4096);
  const SobolIndices estimated = sobol_indices(outputs, g_coefficients.size(), {500, 0.95, 1});
  const AnalyticIndices exact = g_function_indices(g_coefficients);
  EXPECT_NEAR(estimated.variance, exact.variance, 0.02);
  expect_matches_closed_form(estimated, exact, 0.03);
}

// Two blocks of (f_A, f_AB_1, f_B) = (1, 3, 2) and (3, 1, 4), worked by hand: f_A and f_B
// pool to {1, 2, 3, 4} with mean 2.5 and V = 5/4; S1 = ((2 - 2.5)(3 - 1) + (4 - 2.5)(1 - 3)) / 2
// / V = -2 / 1.25 = -1.6; ST = ((1 - 3)^2 + (3 - 1)^2) / 4 / V = 1.6. (Nonsense indices from
// two samples, but they pin the estimators.)
TEST(SensitivitySobolIndices, TwoBlocksByHand) {
  const std::vector<double> outputs = {1.0, 3.0, 2.0, 3.0, 1.0, 4.0};
  const SobolIndices estimated = sobol_indices(outputs, 1, {0, 0.95, 0});
  EXPECT_EQ(estimated.base_size, 2u);
  EXPECT_DOUBLE_EQ(estimated.variance, 1.25);
  EXPECT_DOUBLE_EQ(estimated.parameters[0].first_order, -1.6);
  EXPECT_DOUBLE_EQ(estimated.parameters[0].total, 1.6);
  // No resamples: no intervals.
  EXPECT_TRUE(std::isnan(estimated.parameters[0].first_order_interval.lower));
  EXPECT_TRUE(std::isnan(estimated.parameters[0].total_interval.upper));
}

// Indices are ratios of variances: shifting the output by a constant (f_B is centred in the
// first-order sum) or scaling it leaves them unchanged up to rounding.
TEST(SensitivitySobolIndices, InvariantToOffsetAndScale) {
  const std::vector<double> outputs = ishigami_outputs(512);
  std::vector<double> moved(outputs.size());
  for (std::size_t r = 0; r < outputs.size(); ++r)
    moved[r] = 1000.0 + 3.0 * outputs[r];
  const SobolIndices a = sobol_indices(outputs, 3, {0, 0.95, 0});
  const SobolIndices b = sobol_indices(moved, 3, {0, 0.95, 0});
  EXPECT_NEAR(b.variance, 9.0 * a.variance, 1e-9 * a.variance);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(b.parameters[i].first_order, a.parameters[i].first_order, 1e-9);
    EXPECT_NEAR(b.parameters[i].total, a.parameters[i].total, 1e-9);
  }
}

// Same outputs and seed: bit-identical indices and intervals. Another seed: the same indices,
// other intervals.
TEST(SensitivitySobolIndices, DeterministicBits) {
  const std::vector<double> outputs = g_outputs(256);
  const SobolIndices a = sobol_indices(outputs, 6, {200, 0.9, 5});
  const SobolIndices b = sobol_indices(outputs, 6, {200, 0.9, 5});
  const SobolIndices other_seed = sobol_indices(outputs, 6, {200, 0.9, 6});
  EXPECT_TRUE(same_bits(a.variance, b.variance));
  bool intervals_differ = false;
  for (std::size_t i = 0; i < 6; ++i) {
    const SobolIndex& x = a.parameters[i];
    const SobolIndex& y = b.parameters[i];
    EXPECT_TRUE(same_bits(x.first_order, y.first_order));
    EXPECT_TRUE(same_bits(x.total, y.total));
    EXPECT_TRUE(same_bits(x.first_order_interval.lower, y.first_order_interval.lower));
    EXPECT_TRUE(same_bits(x.first_order_interval.upper, y.first_order_interval.upper));
    EXPECT_TRUE(same_bits(x.total_interval.lower, y.total_interval.lower));
    EXPECT_TRUE(same_bits(x.total_interval.upper, y.total_interval.upper));
    EXPECT_TRUE(same_bits(x.first_order, other_seed.parameters[i].first_order));
    EXPECT_TRUE(same_bits(x.total, other_seed.parameters[i].total));
    intervals_differ =
        intervals_differ ||
        !same_bits(x.total_interval.lower, other_seed.parameters[i].total_interval.lower);
  }
  EXPECT_TRUE(intervals_differ);
}

// A constant output has no variance to share out: every index and interval is NaN.
TEST(SensitivitySobolIndices, ConstantOutputGivesNan) {
  const std::vector<double> outputs(5 * 64, 3.25);
  const SobolIndices estimated = sobol_indices(outputs, 3, {100, 0.95, 0});
  EXPECT_EQ(estimated.variance, 0.0);
  ASSERT_EQ(estimated.parameters.size(), 3u);
  for (const SobolIndex& index : estimated.parameters) {
    EXPECT_TRUE(std::isnan(index.first_order));
    EXPECT_TRUE(std::isnan(index.total));
    EXPECT_TRUE(std::isnan(index.first_order_interval.lower));
    EXPECT_TRUE(std::isnan(index.first_order_interval.upper));
    EXPECT_TRUE(std::isnan(index.total_interval.lower));
    EXPECT_TRUE(std::isnan(index.total_interval.upper));
  }
}

TEST(SensitivitySobolIndices, WrongSizesThrow) {
  const std::vector<double> outputs(5 * 8, 1.0); // 8 blocks of 3 parameters
  EXPECT_THROW((void)sobol_indices(std::vector<double>(5 * 8 + 1, 1.0), 3), std::invalid_argument);
  EXPECT_THROW((void)sobol_indices(outputs, 4), std::invalid_argument); // not blocks of 6
  EXPECT_THROW((void)sobol_indices(std::vector<double>{}, 3), std::invalid_argument);
  EXPECT_THROW((void)sobol_indices(outputs, 0), std::invalid_argument);
  for (const double confidence : {0.0, 1.0, -0.5, 1.5, std::nan("")})
    EXPECT_THROW((void)sobol_indices(outputs, 3, {10, confidence, 0}), std::invalid_argument)
        << confidence;
}

// --- Morris ------------------------------------------------------------------------------------

// Two trajectories of two factors on the 2-level grid (delta = 1), built by hand: the first
// moves x1 up then x2 up, the second x2 down then x1 down. Effects (y' - y) / (+-1), laid out
// factor-major.
TEST(SensitivityMorrisIndices, ElementaryEffectsByHand) {
  MorrisDesign design;
  design.parameters = 2;
  design.trajectories = 2;
  design.levels = 2;
  design.delta = 1.0;
  design.unit_points = {0, 0, 1, 0, 1, 1, /**/ 1, 1, 1, 0, 0, 0};
  design.steps = {{0, 1.0}, {1, 1.0}, {1, -1.0}, {0, -1.0}};
  const std::vector<double> outputs = {1.0, 4.0, 10.0, /**/ 5.0, 2.0, 0.0};
  const std::vector<double> effects = elementary_effects(design, outputs);
  // x1: 4 - 1 = 3 and (0 - 2) / -1 = 2; x2: 10 - 4 = 6 and (2 - 5) / -1 = 3.
  EXPECT_EQ(effects, (std::vector<double>{3.0, 2.0, 6.0, 3.0}));

  const std::vector<MorrisIndex> indices = morris_indices(design, outputs, {0, 0.95, 0});
  EXPECT_EQ(indices[0].mu, 2.5);
  EXPECT_EQ(indices[0].mu_star, 2.5);
  EXPECT_NEAR(indices[0].sigma, std::sqrt(0.5), 1e-15);
  EXPECT_EQ(indices[1].mu, 4.5);
  EXPECT_NEAR(indices[1].sigma, std::sqrt(4.5), 1e-15);
  EXPECT_TRUE(std::isnan(indices[1].mu_star_interval.lower)); // no resamples

  // Negative effects: mu* takes their absolute values, mu does not.
  const std::vector<double> flipped = {-1.0, -4.0, -10.0, -5.0, -2.0, 0.0};
  const std::vector<MorrisIndex> negative = morris_indices(design, flipped, {0, 0.95, 0});
  EXPECT_EQ(negative[0].mu, -2.5);
  EXPECT_EQ(negative[0].mu_star, 2.5);
}

// For y = sum c_i x_i every elementary effect of x_i is c_i, whatever the point and direction:
// mu = c_i, mu* = |c_i|, sigma = 0, and every resample gives |c_i|. Effects are in unit
// coordinates, so an input uniform on [0, 2] doubles its effect.
TEST(SensitivityMorrisIndices, LinearFunctionGivesItsCoefficients) {
  const std::vector<double> c = {3.0, -2.0, 0.5, 0.0, 10.0};
  const std::vector<Distribution> inputs = {
      uniform_distribution(0.0, 1.0), uniform_distribution(0.0, 1.0),
      uniform_distribution(0.0, 1.0), uniform_distribution(0.0, 1.0),
      uniform_distribution(0.0, 2.0)};
  const MorrisDesign design = morris_design(5, 12, 4, 3);
  const std::vector<double> values = to_parameter_values(design.unit_points, inputs);
  const std::vector<double> outputs = evaluate(values, 5, [&](std::span<const double> x) {
    double y = 0.0;
    for (std::size_t i = 0; i < 5; ++i)
      y += c[i] * x[i];
    return y;
  });
  const std::vector<MorrisIndex> indices = morris_indices(design, outputs, {200, 0.95, 0});
  const double scale[] = {1.0, 1.0, 1.0, 1.0, 2.0};
  for (std::size_t i = 0; i < 5; ++i) {
    SCOPED_TRACE(std::string("x").append(std::to_string(i + 1)));
    const double effect = c[i] * scale[i];
    EXPECT_NEAR(indices[i].mu, effect, 1e-12);
    EXPECT_NEAR(indices[i].mu_star, std::fabs(effect), 1e-12);
    EXPECT_NEAR(indices[i].sigma, 0.0, 1e-12);
    EXPECT_NEAR(indices[i].mu_star_interval.lower, std::fabs(effect), 1e-12);
    EXPECT_NEAR(indices[i].mu_star_interval.upper, std::fabs(effect), 1e-12);
  }
}

// Twenty trajectories on the 4-level grid rank the g-function's inputs as their coefficients
// do: x1 (a = 0) > x2 (1) > x3 (4.5) > x4 (9) > x5, x6 (99). On the grid |4x - 2| is 2 or 2/3
// with equal odds, so an effect of x_i is +-2 / (1 + a_i) times the other factors, whose mean
// is (4/3 + a_j) / (1 + a_j): E mu*_1 = 2 (7/6)(35/33)(31/30)(301/300)^2 = 2.574, and so on.
TEST(SensitivityMorrisIndices, GFunctionRanksInputsByCoefficient) {
  const MorrisDesign design = morris_design(6, 20, 4, 1);
  const std::vector<double> outputs =
      evaluate(design.unit_points, 6,
               [](std::span<const double> x) { return g_function(x, g_coefficients); });
  const std::vector<MorrisIndex> indices = morris_indices(design, outputs, {500, 0.95, 1});
  ASSERT_EQ(indices.size(), 6u);
  EXPECT_GT(indices[0].mu_star, indices[1].mu_star);
  EXPECT_GT(indices[1].mu_star, indices[2].mu_star);
  EXPECT_GT(indices[2].mu_star, indices[3].mu_star);
  EXPECT_GT(indices[3].mu_star, indices[4].mu_star);
  EXPECT_GT(indices[3].mu_star, indices[5].mu_star);

  // Expected mu* from the grid's distribution; twenty trajectories get within 25%.
  double all = 1.0;
  for (const double a : g_coefficients)
    all *= (4.0 / 3.0 + a) / (1.0 + a);
  for (std::size_t i = 0; i < 6; ++i) {
    const double a = g_coefficients[i];
    const double expected = 2.0 / (1.0 + a) * all / ((4.0 / 3.0 + a) / (1.0 + a));
    EXPECT_NEAR(indices[i].mu_star, expected, 0.25 * expected) << "x" << i + 1;
    EXPECT_LE(indices[i].mu_star_interval.lower, indices[i].mu_star);
    EXPECT_GE(indices[i].mu_star_interval.upper, indices[i].mu_star);
    EXPECT_GE(indices[i].mu_star, std::fabs(indices[i].mu));
  }
}

TEST(SensitivityMorrisIndices, DeterministicBits) {
  const MorrisDesign design = morris_design(6, 30, 4, 8);
  const std::vector<double> outputs =
      evaluate(design.unit_points, 6,
               [](std::span<const double> x) { return g_function(x, g_coefficients); });
  const std::vector<MorrisIndex> a = morris_indices(design, outputs, {300, 0.9, 2});
  const std::vector<MorrisIndex> b = morris_indices(design, outputs, {300, 0.9, 2});
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_TRUE(same_bits(a[i].mu, b[i].mu));
    EXPECT_TRUE(same_bits(a[i].mu_star, b[i].mu_star));
    EXPECT_TRUE(same_bits(a[i].sigma, b[i].sigma));
    EXPECT_TRUE(same_bits(a[i].mu_star_interval.lower, b[i].mu_star_interval.lower));
    EXPECT_TRUE(same_bits(a[i].mu_star_interval.upper, b[i].mu_star_interval.upper));
  }
}

// sigma needs two trajectories; one leaves it NaN while mu and mu* are defined.
TEST(SensitivityMorrisIndices, OneTrajectoryHasNoSigma) {
  const MorrisDesign design = morris_design(3, 1, 4, 0);
  const std::vector<double> outputs(design.rows(), 1.0);
  const std::vector<MorrisIndex> indices = morris_indices(design, outputs, {10, 0.95, 0});
  for (const MorrisIndex& index : indices) {
    EXPECT_EQ(index.mu, 0.0);
    EXPECT_EQ(index.mu_star, 0.0);
    EXPECT_TRUE(std::isnan(index.sigma));
  }
}

TEST(SensitivityMorrisIndices, WrongSizesThrow) {
  const MorrisDesign design = morris_design(3, 4, 4, 0);
  const std::vector<double> outputs(design.rows(), 1.0);
  EXPECT_THROW((void)elementary_effects(design, std::vector<double>(design.rows() - 1, 1.0)),
               std::invalid_argument);
  EXPECT_THROW((void)morris_indices(design, std::vector<double>(design.rows() + 1, 1.0)),
               std::invalid_argument);
  EXPECT_THROW((void)morris_indices(design, outputs, {10, 0.0, 0}), std::invalid_argument);
  EXPECT_THROW((void)morris_indices(design, outputs, {10, 1.0, 0}), std::invalid_argument);
  MorrisDesign broken = design;
  broken.steps.pop_back();
  EXPECT_THROW((void)elementary_effects(broken, outputs), std::invalid_argument);
  broken = design;
  broken.steps[0].factor = 3;
  EXPECT_THROW((void)elementary_effects(broken, outputs), std::invalid_argument);
}
