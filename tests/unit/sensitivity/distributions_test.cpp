// Parameter distributions (src/sensitivity/distributions.hpp): the standard normal quantile
// against published values, the inverse CDFs of each kind against values worked out by hand or
// taken from scipy, and validate()'s refusals.
#include "sensitivity/distributions.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

using namespace minesim::sensitivity;

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();
constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

/// Whether `text` holds every one of `parts`; a failure names the message.
::testing::AssertionResult mentions(const std::string& text,
                                    const std::vector<std::string>& parts) {
  for (const std::string& part : parts)
    if (text.find(part) == std::string::npos)
      return ::testing::AssertionFailure()
             << '"' << text << "\" does not mention \"" << part << '"';
  return ::testing::AssertionSuccess();
}

} // namespace

// --- the standard normal quantile (AS 241) ----------------------------------------------------

// Known quantiles (scipy.stats.norm.ppf, and the 1.96 of every statistics table), in the
// centre region, the near tail (r <= 5) and the far tail (p below about 1.4e-11). AS 241
// claims a relative error about 1e-16; a few ulps are allowed.
TEST(SensitivityNormalQuantile, MatchesKnownValues) {
  EXPECT_EQ(standard_normal_quantile(0.5), 0.0);
  EXPECT_NEAR(standard_normal_quantile(0.975), 1.959963984540054, 4e-16 * 1.96);
  EXPECT_NEAR(standard_normal_quantile(0.025), -1.959963984540054, 4e-16 * 1.96);
  EXPECT_NEAR(standard_normal_quantile(0.9), 1.2815515655446004, 4e-16 * 1.3);
  EXPECT_NEAR(standard_normal_quantile(0.3), -0.5244005127080409, 4e-16);
  // Phi(1) = 0.841344746068542948585...
  EXPECT_NEAR(standard_normal_quantile(0.84134474606854293), 1.0, 4e-16);
  EXPECT_NEAR(standard_normal_quantile(1e-10), -6.361340902404056, 4e-16 * 6.4);
  EXPECT_NEAR(standard_normal_quantile(1e-20), -9.262340089798409, 4e-16 * 9.3);
  EXPECT_NEAR(standard_normal_quantile(1e-300), -37.0470962993612, 4e-16 * 37.0);
}

// The ends of [0, 1] map to the infinities, anything outside (or NaN) to NaN.
TEST(SensitivityNormalQuantile, EndsAndOutsideUnitInterval) {
  EXPECT_EQ(standard_normal_quantile(0.0), -infinity);
  EXPECT_EQ(standard_normal_quantile(1.0), infinity);
  EXPECT_TRUE(std::isnan(standard_normal_quantile(-1e-300)));
  EXPECT_TRUE(std::isnan(standard_normal_quantile(1.0 + 1e-15)));
  EXPECT_TRUE(std::isnan(standard_normal_quantile(not_a_number)));
}

// quantile(cdf(x)) = x across the three regions of AS 241. Below the mean the CDF keeps its
// relative precision; above it 1 - CDF would round away, so the upper tail is used there and
// the quantile's symmetry Phi^-1(q) = -Phi^-1(1 - q) read backwards.
TEST(SensitivityNormalQuantile, RoundTripsThroughTheCdf) {
  for (double x = -37.5; x <= 0.0; x += 0.125) {
    const double tolerance = 1e-14 * std::max(1.0, std::fabs(x));
    EXPECT_NEAR(standard_normal_quantile(standard_normal_cdf(x)), x, tolerance) << "x = " << x;
    EXPECT_NEAR(-standard_normal_quantile(standard_normal_upper_tail(-x)), -x, tolerance)
        << "x = " << -x;
  }
  // Above the mean through the CDF itself, where its rounding (an ulp of 1) divided by the
  // density still leaves 13 digits.
  for (const double x : {0.3, 1.0, 2.5})
    EXPECT_NEAR(standard_normal_quantile(standard_normal_cdf(x)), x, 1e-13) << "x = " << x;
}

TEST(SensitivityNormalQuantile, CdfAndUpperTailKnownValues) {
  EXPECT_EQ(standard_normal_cdf(0.0), 0.5);
  EXPECT_NEAR(standard_normal_cdf(1.959963984540054), 0.975, 1e-16);
  // 1 - Phi(10) = 7.61985302416e-24: the upper tail keeps it, 1 - CDF would give 0.
  EXPECT_NEAR(standard_normal_upper_tail(10.0), 7.619853024160527e-24, 1e-36);
  EXPECT_EQ(1.0 - standard_normal_cdf(10.0), 0.0);
}

// --- uniform, log-uniform and triangular quantiles, by hand ----------------------------------

TEST(SensitivityDistributions, UniformQuantile) {
  const Distribution d = uniform_distribution(2.0, 6.0);
  EXPECT_EQ(validate(d), "");
  EXPECT_EQ(quantile(d, 0.0), 2.0);
  EXPECT_EQ(quantile(d, 0.25), 3.0);
  EXPECT_EQ(quantile(d, 0.5), 4.0);
  EXPECT_EQ(quantile(d, 0.875), 5.5);
  EXPECT_EQ(quantile(d, 1.0), 6.0);
}

// log x is uniform on [log lo, log hi]: the median is the geometric mean, quartiles are the
// geometric means of the median and the bounds.
TEST(SensitivityDistributions, LogUniformQuantile) {
  const Distribution d = log_uniform_distribution(1.0, 100.0);
  EXPECT_EQ(validate(d), "");
  EXPECT_EQ(quantile(d, 0.0), 1.0);
  EXPECT_NEAR(quantile(d, 0.25), 3.1622776601683795, 1e-14); // 10^0.5
  EXPECT_NEAR(quantile(d, 0.5), 10.0, 1e-13);
  EXPECT_NEAR(quantile(d, 0.75), 31.622776601683793, 1e-13); // 10^1.5
  EXPECT_EQ(quantile(d, 1.0), 100.0);
  EXPECT_NEAR(quantile(log_uniform_distribution(0.01, 100.0), 0.5), 1.0, 1e-15);
  EXPECT_NEAR(quantile(log_uniform_distribution(1e-6, 1e-2), 0.25), 1e-5, 1e-19);
}

// Triangular on [0, 4] with its mode at 1: F(x) = x^2 / 4 up to the mode and
// 1 - (4 - x)^2 / 12 above it, so F(0.5) = 1/16, F(1) = 1/4, F(2) = 2/3 and F(3) = 11/12.
TEST(SensitivityDistributions, TriangularQuantile) {
  const Distribution d = triangular_distribution(0.0, 1.0, 4.0);
  EXPECT_EQ(validate(d), "");
  EXPECT_EQ(quantile(d, 0.0), 0.0);
  EXPECT_NEAR(quantile(d, 1.0 / 16.0), 0.5, 1e-15);
  EXPECT_NEAR(quantile(d, 0.25), 1.0, 1e-15);
  EXPECT_NEAR(quantile(d, 0.5), 1.5505102572168221, 1e-15); // 4 - sqrt 6
  EXPECT_NEAR(quantile(d, 2.0 / 3.0), 2.0, 1e-15);
  EXPECT_NEAR(quantile(d, 11.0 / 12.0), 3.0, 1e-15);
  EXPECT_EQ(quantile(d, 1.0), 4.0);

  // Symmetric: the median is the mode; F(1/4) = 1/8 on [0, 1] with mode 1/2.
  const Distribution symmetric = triangular_distribution(0.0, 0.5, 1.0);
  EXPECT_NEAR(quantile(symmetric, 0.5), 0.5, 1e-16);
  EXPECT_NEAR(quantile(symmetric, 0.125), 0.25, 1e-16);
  EXPECT_NEAR(quantile(symmetric, 0.875), 0.75, 1e-16);

  // The mode on a bound: F(x) = 1 - (1 - x)^2 with mode lo, F(x) = x^2 with mode hi.
  const Distribution mode_at_lo = triangular_distribution(0.0, 0.0, 1.0);
  const Distribution mode_at_hi = triangular_distribution(0.0, 1.0, 1.0);
  EXPECT_EQ(validate(mode_at_lo), "");
  EXPECT_EQ(validate(mode_at_hi), "");
  EXPECT_NEAR(quantile(mode_at_lo, 0.75), 0.5, 1e-16);
  EXPECT_NEAR(quantile(mode_at_hi, 0.25), 0.5, 1e-16);
}

// --- truncated normal -------------------------------------------------------------------------

// A truncation symmetric about the mean has its median at the mean, and quantiles u and 1 - u
// equally far on either side.
TEST(SensitivityDistributions, SymmetricTruncatedNormalMedianIsTheMean) {
  const Distribution d = truncated_normal_distribution(5.0, 2.0, 1.0, 9.0);
  EXPECT_EQ(validate(d), "");
  EXPECT_NEAR(quantile(d, 0.5), 5.0, 1e-14);
  for (const double u : {0.01, 0.1, 0.3, 0.45})
    EXPECT_NEAR(quantile(d, u) + quantile(d, 1.0 - u), 10.0, 1e-13) << "u = " << u;
  const Distribution unbounded = truncated_normal_distribution(-3.0, 0.5, -infinity, infinity);
  EXPECT_EQ(validate(unbounded), "");
  EXPECT_NEAR(quantile(unbounded, 0.5), -3.0, 1e-15);
}

// Against scipy 1.10: scipy.stats.truncnorm.ppf(u, (lo - mean) / sd, (hi - mean) / sd,
// loc=mean, scale=sd), printed with repr. One case straddles the mean, one is bounded below
// only, two lie in a far tail (where 1 - CDF has no precision left), one is bounded above only.
TEST(SensitivityDistributions, TruncatedNormalMatchesScipy) {
  struct Case {
    double mean, sd, lo, hi, u, expected;
  };
  const Case cases[] = {
      // truncnorm.ppf([0.1, 0.5, 0.9], -1, 2)
      {0.0, 1.0, -1.0, 2.0, 0.1, -0.7046478210947453},
      {0.0, 1.0, -1.0, 2.0, 0.5, 0.17116391801782455},
      {0.0, 1.0, -1.0, 2.0, 0.9, 1.2557153641502148},
      // truncnorm.ppf([0.25, 0.5, 0.99], 0.5, inf, loc=10, scale=2)
      {10.0, 2.0, 11.0, infinity, 0.25, 11.468467431552886},
      {10.0, 2.0, 11.0, infinity, 0.5, 12.036591031920558},
      {10.0, 2.0, 11.0, infinity, 0.99, 15.477134828854119},
      // truncnorm.ppf([0.001, 0.5, 0.999], 3, 5)
      {0.0, 1.0, 3.0, 5.0, 0.001, 3.0003046648120693},
      {0.0, 1.0, 3.0, 5.0, 0.5, 3.2050938082099796},
      {0.0, 1.0, 3.0, 5.0, 0.999, 4.65292922843926},
      // truncnorm.ppf(0.5, 8, 9)
      {0.0, 1.0, 8.0, 9.0, 0.5, 8.08488889901817},
      // truncnorm.ppf([0.01, 0.5, 0.9], -inf, -4)
      {0.0, 1.0, -infinity, -4.0, 0.01, -4.9807372809682455},
      {0.0, 1.0, -infinity, -4.0, 0.5, -4.161104278597881},
      {0.0, 1.0, -infinity, -4.0, 0.9, -4.024864068665168},
      // truncnorm.ppf(0.3, -inf, inf, loc=-2, scale=0.5)
      {-2.0, 0.5, -infinity, infinity, 0.3, -2.2622002563540202},
      // truncnorm.ppf([0.05, 0.5, 0.95], -2/3, 4, loc=100, scale=15)
      {100.0, 15.0, 90.0, 160.0, 0.05, 91.69337093524648},
      {100.0, 15.0, 90.0, 160.0, 0.5, 104.82828853289992},
      {100.0, 15.0, 90.0, 160.0, 0.95, 126.72432749348417},
  };
  for (const Case& c : cases) {
    const Distribution d = truncated_normal_distribution(c.mean, c.sd, c.lo, c.hi);
    ASSERT_EQ(validate(d), "");
    EXPECT_NEAR(quantile(d, c.u), c.expected, 1e-12 * std::fabs(c.expected))
        << "normal(" << c.mean << ", " << c.sd << ") on [" << c.lo << ", " << c.hi
        << "] at u = " << c.u;
  }
}

// u = 0 and u = 1 give the bounds themselves, and the quantile rises with u, also in a tail.
TEST(SensitivityDistributions, TruncatedNormalBoundsAndMonotone) {
  const Distribution d = truncated_normal_distribution(0.0, 1.0, 6.0, 7.0);
  EXPECT_EQ(quantile(d, 0.0), 6.0);
  EXPECT_EQ(quantile(d, 1.0), 7.0);
  double previous = 6.0;
  for (int i = 1; i < 1000; ++i) {
    const double x = quantile(d, i / 1000.0);
    EXPECT_GE(x, previous);
    EXPECT_LE(x, 7.0);
    previous = x;
  }
}

// --- validation and inputs outside [0, 1] ------------------------------------------------------

TEST(SensitivityDistributions, ValidateNamesTheProblem) {
  EXPECT_TRUE(mentions(validate(uniform_distribution(1.0, 1.0)), {"uniform", "lo < hi"}));
  EXPECT_TRUE(mentions(validate(uniform_distribution(3.0, 2.0)), {"lo < hi", "3", "2"}));
  EXPECT_TRUE(mentions(validate(uniform_distribution(0.0, infinity)), {"uniform", "finite"}));
  EXPECT_TRUE(mentions(validate(uniform_distribution(not_a_number, 1.0)), {"finite"}));
  EXPECT_TRUE(mentions(validate(log_uniform_distribution(0.0, 1.0)), {"log_uniform", "0 < lo"}));
  EXPECT_TRUE(mentions(validate(log_uniform_distribution(-1.0, 1.0)), {"0 < lo", "-1"}));
  EXPECT_TRUE(mentions(validate(log_uniform_distribution(2.0, 1.0)), {"lo < hi"}));
  EXPECT_TRUE(
      mentions(validate(triangular_distribution(0.0, 2.0, 1.0)), {"triangular", "mode", "2"}));
  EXPECT_TRUE(mentions(validate(triangular_distribution(0.0, -0.5, 1.0)), {"mode", "-0.5"}));
  EXPECT_TRUE(mentions(validate(triangular_distribution(1.0, 1.0, 1.0)), {"lo < hi"}));
  EXPECT_TRUE(mentions(validate(truncated_normal_distribution(0.0, 0.0, -1.0, 1.0)),
                       {"truncated_normal", "sd", "0"}));
  EXPECT_TRUE(mentions(validate(truncated_normal_distribution(0.0, -2.0, -1.0, 1.0)), {"-2"}));
  EXPECT_TRUE(mentions(validate(truncated_normal_distribution(0.0, 1.0, 1.0, -1.0)), {"lo < hi"}));
  EXPECT_TRUE(
      mentions(validate(truncated_normal_distribution(not_a_number, 1.0, -1.0, 1.0)), {"mean"}));
  // [40, 50] sd from the mean holds a probability of about 1e-350: not representable.
  EXPECT_TRUE(mentions(validate(truncated_normal_distribution(0.0, 1.0, 40.0, 50.0)),
                       {"truncated_normal", "probability"}));
  EXPECT_TRUE(mentions(validate(truncated_normal_distribution(0.0, 1.0, -infinity, -40.0)),
                       {"probability"}));
  // About 5e-300 is still representable, 34 sd out.
  EXPECT_EQ(validate(truncated_normal_distribution(0.0, 1.0, 37.0, 38.0)), "");
}

TEST(SensitivityDistributions, KindNames) {
  EXPECT_EQ(kind_name(DistributionKind::uniform), "uniform");
  EXPECT_EQ(kind_name(DistributionKind::log_uniform), "log_uniform");
  EXPECT_EQ(kind_name(DistributionKind::triangular), "triangular");
  EXPECT_EQ(kind_name(DistributionKind::truncated_normal), "truncated_normal");
}

// Every kind answers NaN, not a clamped bound, for u outside [0, 1] or NaN.
TEST(SensitivityDistributions, QuantileOutsideUnitIntervalIsNan) {
  const Distribution kinds[] = {uniform_distribution(0.0, 1.0), log_uniform_distribution(1.0, 10.0),
                                triangular_distribution(0.0, 0.3, 1.0),
                                truncated_normal_distribution(0.0, 1.0, -2.0, 2.0)};
  for (const Distribution& d : kinds)
    for (const double u : {-0.5, -1e-300, 1.0 + 1e-15, 2.0, not_a_number, infinity, -infinity})
      EXPECT_TRUE(std::isnan(quantile(d, u))) << kind_name(d.kind) << " at u = " << u;
}
