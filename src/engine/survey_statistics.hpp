#pragma once
// Psychometric and regression statistics of a questionnaire (docs/odd.md §3.13), as pure
// functions of a respondents x items matrix. They know nothing of households or of the
// model: the virtual survey (agents/resident/survey.hpp) feeds them.
//
// Undefined results are NaN, never an exception: an item without variance makes every
// correlation of it NaN, a singular correlation matrix has no inverse (KMO) and no finite
// log-determinant (Bartlett). A run that reaches such a survey records NaN and goes on.
//
// Results depend only on the inputs (and, for the bootstrap, the random bits passed in),
// never on the thread count: Eigen is built with EIGEN_DONT_PARALLELIZE (its parallel
// products choose blockings by thread count), and bootstrap resamples are evaluated
// independently and stored by resample number.
#include <Eigen/Dense>

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace minesim {

/// Pearson correlation matrix of the columns of `data` (rows are observations). An entry
/// involving a column without variance is NaN; the diagonal is exactly 1 otherwise.
[[nodiscard]] Eigen::MatrixXd correlation_matrix(const Eigen::MatrixXd& data);

/// Cronbach's alpha of a scale: k / (k - 1) * (1 - sum of item variances / variance of the
/// total score), rows respondents and columns the k items. NaN with fewer than 2 items or
/// 2 respondents, or when the total score has no variance.
[[nodiscard]] double cronbach_alpha(const Eigen::MatrixXd& items);

/// Kaiser-Meyer-Olkin measure of sampling adequacy of the items' correlation matrix R:
/// sum r_ij^2 / (sum r_ij^2 + sum a_ij^2) over i != j, where the anti-image (partial)
/// correlations are a_ij = -Q_ij / sqrt(Q_ii Q_jj) with Q = R^-1. NaN when R is not
/// positive definite.
[[nodiscard]] double kmo(const Eigen::MatrixXd& items);

/// KMO of a given correlation matrix (see kmo).
[[nodiscard]] double kmo_from_correlation(const Eigen::MatrixXd& correlation);

/// Bartlett's test of sphericity: H0 the correlation matrix is the identity.
struct Bartlett {
  double statistic = 0.0; ///< chi^2 = -(n - 1 - (2p + 5) / 6) ln |R|
  double df = 0.0;        ///< p (p - 1) / 2
  double p = 0.0;         ///< P(chi^2_df > statistic)
};

/// Bartlett's test on the correlation matrix of `items` (n respondents, p items).
[[nodiscard]] Bartlett bartlett_sphericity(const Eigen::MatrixXd& items);

/// Bartlett's test of a given p x p correlation matrix estimated from n observations. The
/// log-determinant comes from a Cholesky factor (sum of 2 ln L_ii), which stays accurate
/// where the determinant itself would underflow. NaN statistic and p when the matrix is
/// not positive definite, p < 2, or n too small for a positive multiplier.
[[nodiscard]] Bartlett bartlett_from_correlation(const Eigen::MatrixXd& correlation,
                                                 std::int64_t n);

/// Standardized regression coefficients (beta weights) of y on the columns of X: the
/// least-squares coefficients after centring and scaling y and every column of X to unit
/// standard deviation, so an intercept is implied. Solved by column-pivoting QR. NaN
/// coefficients when y or a column of X has no variance; std::invalid_argument when y and
/// X differ in length.
[[nodiscard]] Eigen::VectorXd standardized_ols(const Eigen::VectorXd& y, const Eigen::MatrixXd& X);

/// The 64-bit draws 4b .. 4b + 3 of bootstrap resample `resample`, as one block; must be a
/// pure function (callers build it from CounterRng::block keyed by the resample number, so
/// draw k is CounterRng::bits(k)). One call serves four rows.
using ResampleBlock =
    std::function<std::array<std::uint64_t, 4>(std::uint64_t resample, std::uint64_t b)>;

/// A statistic of the rows selected by one resample (indices into the original rows,
/// with repetition). Called concurrently from several threads: it must not write shared
/// state.
using ResampleStatistic = std::function<double(std::span<const Eigen::Index> rows)>;

/// The statistic over `resamples` bootstrap resamples of n rows: resample r draws row k as
/// floor(x * n / 2^64) with x = blocks(r, k / 4)[k % 4], for k = 0 .. n - 1. Entry r of the result
/// belongs to resample r whatever the thread count.
[[nodiscard]] std::vector<double> bootstrap_replicates(Eigen::Index n, std::int64_t resamples,
                                                       const ResampleBlock& blocks,
                                                       const ResampleStatistic& statistic);

/// An interval [low, high].
struct Interval {
  double low = 0.0;
  double high = 0.0;
};

/// Percentile interval at `level` (e.g. 0.95) of `values`: the type 7 quantiles (1 - level)
/// / 2 and (1 + level) / 2. NaN bounds when `values` is empty or holds a NaN.
[[nodiscard]] Interval percentile_interval(std::vector<double> values, double level);

/// Bootstrap percentile interval: percentile_interval(bootstrap_replicates(...), level).
[[nodiscard]] Interval bootstrap_percentile_interval(Eigen::Index n, std::int64_t resamples,
                                                     double level, const ResampleBlock& blocks,
                                                     const ResampleStatistic& statistic);

} // namespace minesim
