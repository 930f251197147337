// Survey statistics (src/engine/survey_statistics.hpp) against values computed independently: by
// hand with exact fractions, from closed forms, or with the numpy formulas quoted next to
// each reference (never by the C++ under test).
#include "engine/random.hpp"
#include "engine/survey_statistics.hpp"
#include "model/streams.hpp"

#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <numbers>
#include <vector>

using namespace minesim;

namespace {

Eigen::MatrixXd matrix(std::initializer_list<std::initializer_list<double>> rows) {
  Eigen::MatrixXd m(static_cast<Eigen::Index>(rows.size()),
                    static_cast<Eigen::Index>(rows.begin()->size()));
  Eigen::Index i = 0;
  for (const auto& row : rows) {
    Eigen::Index j = 0;
    for (const double v : row)
      m(i, j++) = v;
    ++i;
  }
  return m;
}

/// Equicorrelation matrix: 1 on the diagonal, rho elsewhere.
Eigen::MatrixXd equicorrelation(Eigen::Index p, double rho) {
  Eigen::MatrixXd r = Eigen::MatrixXd::Constant(p, p, rho);
  r.diagonal().setOnes();
  return r;
}

/// Upper tail of chi^2 with 3 degrees of freedom in closed form:
/// Q(x; 3) = erfc(sqrt(x / 2)) + sqrt(2 x / pi) exp(-x / 2).
double chi2_sf_df3(double x) {
  return std::erfc(std::sqrt(x / 2.0)) + std::sqrt(2.0 * x / std::numbers::pi) * std::exp(-x / 2.0);
}

/// Upper tail of chi^2 with 2m degrees of freedom: exp(-x/2) sum_{j<m} (x/2)^j / j!.
double chi2_sf_even(double x, int m) {
  double term = 1.0, sum = 0.0;
  for (int j = 0; j < m; ++j) {
    sum += term;
    term *= (x / 2.0) / (j + 1);
  }
  return std::exp(-x / 2.0) * sum;
}

/// A 5 x 3 scale used by the alpha tests.
const Eigen::MatrixXd five_by_three =
    matrix({{1, 2, 3}, {2, 3, 3}, {3, 3, 4}, {4, 5, 4}, {5, 5, 5}});

/// A 7 x 4 matrix with a mix of positive and negative correlations.
const Eigen::MatrixXd seven_by_four = matrix({{2, 4, 1, 3},
                                              {3, 5, 2, 2},
                                              {1, 2, 2, 4},
                                              {4, 4, 3, 1},
                                              {5, 5, 5, 2},
                                              {2, 1, 1, 5},
                                              {3, 3, 4, 3}});

} // namespace

TEST(SurveyStatistics, CronbachAlphaOfAHandComputedScale) {
  // Item variances (n - 1 denominators): col 1 {1..5} -> 10/4 = 5/2; col 2 {2,3,3,5,5}
  // mean 18/5, squared deviations 64+9+9+49+49 = 180 / 25 -> 36/5 / 4 = 9/5; col 3
  // {3,3,4,4,5} mean 19/5: 16+16+1+1+36 = 70 / 25 -> 14/5 / 4 = 7/10. Totals {6,8,10,13,15}
  // mean 52/5: deviations -22,-12,-2,13,23 (/5), squares 1330 / 25 -> 266/5 / 4 = 133/10.
  // alpha = 3/2 * (1 - (5/2 + 9/5 + 7/10) / (133/10)) = 3/2 * (1 - 50/133) = 249/266.
  EXPECT_NEAR(cronbach_alpha(five_by_three), 249.0 / 266.0, 1e-14);
}

TEST(SurveyStatistics, CronbachAlphaCanBeNegativeAndMatchesNumpy) {
  // numpy: k = 4; 4/3 * (1 - B.var(0, ddof=1).sum() / B.sum(1).var(ddof=1))
  //        = -0.04819277108433735
  EXPECT_NEAR(cronbach_alpha(seven_by_four), -0.04819277108433735, 1e-13);
}

TEST(SurveyStatistics, CronbachAlphaOfParallelItemsIsOne) {
  // Identical items: sum of variances k s^2, total variance k^2 s^2: alpha = k/(k-1)(1-1/k) = 1.
  Eigen::MatrixXd same(6, 4);
  for (Eigen::Index i = 0; i < 6; ++i)
    same.row(i).setConstant(static_cast<double>(i % 3));
  EXPECT_NEAR(cronbach_alpha(same), 1.0, 1e-14);
}

TEST(SurveyStatistics, CronbachAlphaUndefinedIsNaN) {
  EXPECT_TRUE(std::isnan(cronbach_alpha(Eigen::MatrixXd::Ones(5, 3)))); // no variance
  EXPECT_TRUE(std::isnan(cronbach_alpha(five_by_three.leftCols(1))));   // one item
  EXPECT_TRUE(std::isnan(cronbach_alpha(five_by_three.topRows(1))));    // one respondent
}

TEST(SurveyStatistics, CorrelationMatrixMatchesHandComputation) {
  // Columns 1 and 2 of the 5 x 3 scale: deviations (-2, -1, 0, 1, 2) and
  // (-1.6, -0.6, -0.6, 1.4, 1.4); cross product 3.2 + 0.6 + 0 + 1.4 + 2.8 = 8, sums of
  // squares 10 and 7.2: r = 8 / sqrt(72) (numpy.corrcoef gives the same 0.9428...).
  const Eigen::MatrixXd r = correlation_matrix(five_by_three);
  EXPECT_NEAR(r(0, 1), 8.0 / std::sqrt(72.0), 1e-14);
  EXPECT_NEAR(r(1, 0), r(0, 1), 0.0);
  EXPECT_EQ(r(2, 2), 1.0);
}

TEST(SurveyStatistics, KmoOfEquicorrelationHasAClosedForm) {
  // For R = (1 - rho) I + rho J (p x p), R^-1 = [I - rho / (1 + (p - 1) rho) J] / (1 - rho),
  // so every partial correlation is a = rho / (1 + (p - 2) rho), and
  // KMO = rho^2 / (rho^2 + a^2) = (1 + (p - 2) rho)^2 / ((1 + (p - 2) rho)^2 + 1).
  // p = 3, rho = 1/2: a = 1/3, KMO = (1/4) / (1/4 + 1/9) = 9/13.
  EXPECT_NEAR(kmo_from_correlation(equicorrelation(3, 0.5)), 9.0 / 13.0, 1e-14);
  // p = 20, rho = 1/2: (1 + 9)^2 / ((1 + 9)^2 + 1) = 100/101.
  EXPECT_NEAR(kmo_from_correlation(equicorrelation(20, 0.5)), 100.0 / 101.0, 1e-13);
}

TEST(SurveyStatistics, KmoOfADataMatrixMatchesNumpy) {
  // numpy: R = np.corrcoef(B.T); Q = np.linalg.inv(R); d = np.sqrt(np.diag(Q));
  // A = -Q / np.outer(d, d); off = ~np.eye(4, dtype=bool)
  // (R[off]**2).sum() / ((R[off]**2).sum() + (A[off]**2).sum()) = 0.7161109691757445
  EXPECT_NEAR(kmo(seven_by_four), 0.7161109691757445, 1e-12);
}

TEST(SurveyStatistics, KmoOfASingularCorrelationIsNaN) {
  Eigen::MatrixXd twins = five_by_three;
  twins.col(2) = twins.col(0); // perfectly collinear: R has no inverse
  EXPECT_TRUE(std::isnan(kmo(twins)));
}

TEST(SurveyStatistics, BartlettOnAFixedCorrelationMatrix) {
  // Equicorrelation determinant: |R| = (1 - rho)^(p-1) (1 + (p - 1) rho).
  // p = 3, rho = 1/2: |R| = 1/4 * 2 = 1/2; n = 100: chi^2 = (99 - 11/6) ln 2, df = 3.
  const Bartlett strong = bartlett_from_correlation(equicorrelation(3, 0.5), 100);
  const double strong_statistic = (99.0 - 11.0 / 6.0) * std::log(2.0);
  EXPECT_NEAR(strong.statistic, strong_statistic, 1e-11);
  EXPECT_EQ(strong.df, 3.0);
  EXPECT_NEAR(strong.p, chi2_sf_df3(strong_statistic), 1e-20);
  EXPECT_LT(strong.p, 1e-13);

  // rho = 0.1, n = 50: |R| = 0.81 * 1.2 = 0.972; chi^2 = -(49 - 11/6) ln 0.972 = 1.3395...,
  // a p-value near 0.72 (no evidence against sphericity).
  const Bartlett weak = bartlett_from_correlation(equicorrelation(3, 0.1), 50);
  const double weak_statistic = -(49.0 - 11.0 / 6.0) * std::log(0.972);
  EXPECT_NEAR(weak.statistic, weak_statistic, 1e-12);
  EXPECT_NEAR(weak.p, chi2_sf_df3(weak_statistic), 1e-12);
  EXPECT_NEAR(weak.p, 0.72, 0.01);
}

TEST(SurveyStatistics, BartlettOfADataMatrixMatchesNumpy) {
  // numpy: -(n - 1 - (2p + 5)/6) * np.log(np.linalg.det(np.corrcoef(B.T))) = 12.349392732488791
  // with n = 7, p = 4: df = 6 and p-value exp(-x/2) (1 + x/2 + (x/2)^2 / 2).
  const Bartlett b = bartlett_sphericity(seven_by_four);
  EXPECT_NEAR(b.statistic, 12.349392732488791, 1e-11);
  EXPECT_EQ(b.df, 6.0);
  EXPECT_NEAR(b.p, chi2_sf_even(12.349392732488791, 3), 1e-12);
}

TEST(SurveyStatistics, BartlettOfTheIdentityIsZeroWithPOne) {
  const Bartlett b = bartlett_from_correlation(Eigen::MatrixXd::Identity(5, 5), 30);
  EXPECT_EQ(b.statistic, 0.0);
  EXPECT_EQ(b.df, 10.0);
  EXPECT_NEAR(b.p, 1.0, 1e-15);
}

TEST(SurveyStatistics, BartlettUndefinedIsNaN) {
  Eigen::MatrixXd singular = equicorrelation(3, 0.5);
  singular(0, 1) = singular(1, 0) = 1.0;
  singular(0, 2) = singular(2, 0) = singular(1, 2) = singular(2, 1) = 0.5;
  const Bartlett b = bartlett_from_correlation(singular, 100);
  EXPECT_TRUE(std::isnan(b.statistic));
  EXPECT_TRUE(std::isnan(b.p));
  // Too few respondents: n - 1 - (2p + 5)/6 <= 0.
  EXPECT_TRUE(std::isnan(bartlett_from_correlation(equicorrelation(3, 0.5), 2).statistic));
}

TEST(SurveyStatistics, StandardizedOlsOfAnExactLineIsOne) {
  Eigen::VectorXd x(5), y(5);
  x << 1, 2, 4, 7, 11;
  y = 3.0 * x.array() - 2.0;
  EXPECT_NEAR(standardized_ols(y, x)(0), 1.0, 1e-13);
  y = -0.5 * x.array() + 9.0;
  EXPECT_NEAR(standardized_ols(y, x)(0), -1.0, 1e-13);
}

TEST(SurveyStatistics, StandardizedOlsMatchesCorrelationAlgebra) {
  // With two predictors, beta_1 = (r_y1 - r_y2 r_12) / (1 - r_12^2) (standard result).
  // Data: the first three columns of the 7 x 4 matrix, y the fourth.
  const Eigen::MatrixXd r = correlation_matrix(seven_by_four);
  const double r_y1 = r(3, 0), r_y2 = r(3, 1), r_12 = r(0, 1);
  const Eigen::VectorXd beta = standardized_ols(seven_by_four.col(3), seven_by_four.leftCols(2));
  EXPECT_NEAR(beta(0), (r_y1 - r_y2 * r_12) / (1.0 - r_12 * r_12), 1e-12);
  EXPECT_NEAR(beta(1), (r_y2 - r_y1 * r_12) / (1.0 - r_12 * r_12), 1e-12);
}

TEST(SurveyStatistics, StandardizedOlsRecoversKnownPathsOfASyntheticChain) {
  // E ~ N(0,1); P = a1 E + sqrt(1 - a1^2) e1 (so Var P = 1 and its standardized slope is
  // a1), C = a2 P + sqrt(1 - a2^2) e2, R = a3 C + sqrt(1 - a3^2) e3, and
  // S = bC C + bP P + bR R + e4 with Var(e4) chosen so that Var S = 1: then the
  // standardized coefficients of S ~ C + P + R are bC, bP, bR themselves.
  const double a1 = -0.3, a2 = 0.5, a3 = 0.6, bC = 0.45, bP = 0.2, bR = 0.25;
  // Var(bC C + bP P + bR R) with corr(C,P) = a2, corr(R,C) = a3, corr(R,P) = a3 a2.
  const double explained =
      bC * bC + bP * bP + bR * bR + 2 * bC * bP * a2 + 2 * bC * bR * a3 + 2 * bP * bR * a3 * a2;
  ASSERT_LT(explained, 1.0);
  const Eigen::Index n = 20000;
  Eigen::MatrixXd v(n, 5);
  for (Eigen::Index i = 0; i < n; ++i) {
    const CounterRng rng(7, streams::perception, 0, static_cast<std::uint64_t>(i));
    const double e = rng.normal(0);
    const double p = a1 * e + std::sqrt(1 - a1 * a1) * rng.normal(1);
    const double c = a2 * p + std::sqrt(1 - a2 * a2) * rng.normal(2);
    const double rr = a3 * c + std::sqrt(1 - a3 * a3) * rng.normal(3);
    const double s = bC * c + bP * p + bR * rr + std::sqrt(1 - explained) * rng.normal(4);
    v.row(i) << e, p, c, rr, s;
  }
  // Sampling sd of a standardized slope is about 1/sqrt(n) = 0.007; allow 4 sd.
  const double tol = 0.03;
  EXPECT_NEAR(standardized_ols(v.col(1), v.col(0))(0), a1, tol);
  EXPECT_NEAR(standardized_ols(v.col(2), v.col(1))(0), a2, tol);
  EXPECT_NEAR(standardized_ols(v.col(3), v.col(2))(0), a3, tol);
  Eigen::MatrixXd predictors(n, 3);
  predictors << v.col(2), v.col(1), v.col(3);
  const Eigen::VectorXd s = standardized_ols(v.col(4), predictors);
  EXPECT_NEAR(s(0), bC, tol);
  EXPECT_NEAR(s(1), bP, tol);
  EXPECT_NEAR(s(2), bR, tol);
}

TEST(SurveyStatistics, StandardizedOlsWithoutVarianceIsNaN) {
  Eigen::VectorXd x(4), y(4);
  x << 1, 2, 3, 4;
  y << 2, 2, 2, 2;
  EXPECT_TRUE(std::isnan(standardized_ols(y, x)(0)));
  EXPECT_TRUE(std::isnan(standardized_ols(x, y)(0)));
}

TEST(SurveyStatistics, PercentileIntervalUsesType7Quantiles) {
  // numpy.quantile(np.arange(1, 11), [0.025, 0.975]) = [1.225, 9.775]
  std::vector<double> values{10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  const Interval i = percentile_interval(values, 0.95);
  EXPECT_NEAR(i.low, 1.225, 1e-12);
  EXPECT_NEAR(i.high, 9.775, 1e-12);
  EXPECT_TRUE(std::isnan(percentile_interval({}, 0.95).low));
  EXPECT_TRUE(std::isnan(percentile_interval({1.0, std::nan("")}, 0.95).high));
}

namespace {

/// The synthetic chain of the test above, n rows, from a given seed: columns E, P, C, R, S.
/// True indirect effect P -> C -> S: a2 * bC.
Eigen::MatrixXd synthetic_chain(Eigen::Index n, std::uint64_t seed, double a2, double bC) {
  const double a1 = -0.3, a3 = 0.6, bP = 0.2, bR = 0.25;
  const double explained =
      bC * bC + bP * bP + bR * bR + 2 * bC * bP * a2 + 2 * bC * bR * a3 + 2 * bP * bR * a3 * a2;
  Eigen::MatrixXd v(n, 5);
  for (Eigen::Index i = 0; i < n; ++i) {
    const CounterRng rng(seed, streams::perception, 1, static_cast<std::uint64_t>(i));
    const double e = rng.normal(0);
    const double p = a1 * e + std::sqrt(1 - a1 * a1) * rng.normal(1);
    const double c = a2 * p + std::sqrt(1 - a2 * a2) * rng.normal(2);
    const double r = a3 * c + std::sqrt(1 - a3 * a3) * rng.normal(3);
    const double s = bC * c + bP * p + bR * r + std::sqrt(1 - explained) * rng.normal(4);
    v.row(i) << e, p, c, r, s;
  }
  return v;
}

/// a * b from the rows `rows` of a chain.
double indirect(const Eigen::MatrixXd& v, std::span<const Eigen::Index> rows) {
  const std::vector<Eigen::Index> index(rows.begin(), rows.end());
  const Eigen::MatrixXd m = v(index, Eigen::all);
  const double a = standardized_ols(m.col(2), m.col(1))(0);
  Eigen::MatrixXd predictors(m.rows(), 3);
  predictors << m.col(2), m.col(1), m.col(3);
  return a * standardized_ols(m.col(4), predictors)(0);
}

ResampleBlock bits_from(std::uint64_t seed) {
  return [seed](std::uint64_t resample, std::uint64_t b) {
    return CounterRng(seed, streams::perception, 99, resample).block(b);
  };
}

} // namespace

TEST(SurveyStatistics, BootstrapIntervalCoversTheTrueIndirectEffect) {
  const double a2 = 0.5, bC = 0.45;
  const Eigen::MatrixXd v = synthetic_chain(2000, 11, a2, bC);
  const Interval ci = bootstrap_percentile_interval(
      v.rows(), 1000, 0.95, bits_from(11),
      [&](std::span<const Eigen::Index> rows) { return indirect(v, rows); });
  EXPECT_LT(ci.low, a2 * bC);
  EXPECT_GT(ci.high, a2 * bC);
  // Width near 2 * 1.96 * se(a b), se about 0.02 here: informative, not degenerate.
  EXPECT_GT(ci.high - ci.low, 0.02);
  EXPECT_LT(ci.high - ci.low, 0.2);
}

TEST(SurveyStatistics, BootstrapIntervalCoverageIsNearNominal) {
  // 40 independent data sets of 400 rows: a 95% interval should miss about twice; more
  // than 6 misses has probability below 0.2% under nominal coverage (binomial).
  const double a2 = 0.4, bC = 0.35;
  int covered = 0;
  for (std::uint64_t seed = 100; seed < 140; ++seed) {
    const Eigen::MatrixXd v = synthetic_chain(400, seed, a2, bC);
    const Interval ci = bootstrap_percentile_interval(
        v.rows(), 400, 0.95, bits_from(seed),
        [&](std::span<const Eigen::Index> rows) { return indirect(v, rows); });
    covered += (ci.low < a2 * bC && a2 * bC < ci.high) ? 1 : 0;
  }
  EXPECT_GE(covered, 34);
}

TEST(SurveyStatistics, BootstrapResamplesDrawRowsAsDocumented) {
  // Resample r's row k is floor(x * n / 2^64) with x draw k of the resample's stream
  // (CounterRng::bits(k), lane k % 4 of block k / 4): with n = 4 the top two bits. Six rows
  // reach into the second block.
  const auto replicates =
      bootstrap_replicates(4, 3, bits_from(3), [&](std::span<const Eigen::Index> rows) {
        EXPECT_EQ(rows.size(), 4u);
        return static_cast<double>(rows[0] * 1000 + rows[1] * 100 + rows[2] * 10 + rows[3]);
      });
  ASSERT_EQ(replicates.size(), 3u);
  for (std::uint64_t r = 0; r < 3; ++r) {
    const CounterRng rng(3, streams::perception, 99, r);
    double expected = 0.0;
    for (std::uint64_t k = 0; k < 4; ++k)
      expected = expected * 10 + static_cast<double>(rng.bits(k) >> 62);
    EXPECT_EQ(replicates[r], expected);
  }
  const auto six =
      bootstrap_replicates(6, 2, bits_from(3), [&](std::span<const Eigen::Index> rows) {
        double code = 0.0;
        for (const Eigen::Index row : rows)
          code = code * 10 + static_cast<double>(row);
        return code;
      });
  for (std::uint64_t r = 0; r < 2; ++r) {
    const CounterRng rng(3, streams::perception, 99, r);
    double expected = 0.0;
    for (std::uint64_t k = 0; k < 6; ++k)
      expected = expected * 10 + static_cast<double>(rng.below(k, 6));
    EXPECT_EQ(six[r], expected);
  }
}

TEST(SurveyStatistics, BootstrapIsIndependentOfTheThreadCount) {
  const Eigen::MatrixXd v = synthetic_chain(300, 5, 0.5, 0.45);
  const auto statistic = [&](std::span<const Eigen::Index> rows) { return indirect(v, rows); };
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const auto one = bootstrap_replicates(v.rows(), 64, bits_from(5), statistic);
  omp_set_num_threads(4);
  const auto four = bootstrap_replicates(v.rows(), 64, bits_from(5), statistic);
  omp_set_num_threads(threads);
  ASSERT_EQ(one.size(), four.size());
  for (std::size_t r = 0; r < one.size(); ++r)
    EXPECT_EQ(one[r], four[r]) << "resample " << r; // bit for bit
}

TEST(SurveyStatistics, BootstrapPassesExceptionsOut) {
  EXPECT_THROW((void)bootstrap_replicates(
                   10, 8, bits_from(1),
                   [](std::span<const Eigen::Index>) -> double { throw std::runtime_error("x"); }),
               std::runtime_error);
  EXPECT_TRUE(bootstrap_replicates(10, 0, bits_from(1), [](auto) { return 0.0; }).empty());
}
