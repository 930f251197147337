#include "engine/survey_statistics.hpp"

#include "engine/random.hpp"
#include "engine/stats.hpp"

#include <boost/math/distributions/chi_squared.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <exception>
#include <limits>
#include <stdexcept>

namespace minesim {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// Columns centred on their means.
Eigen::MatrixXd centred(const Eigen::MatrixXd& data) {
  return data.rowwise() - data.colwise().mean();
}

/// Columns centred and scaled to unit sample standard deviation; a column without
/// variance becomes NaN.
Eigen::MatrixXd standardized(const Eigen::MatrixXd& data) {
  Eigen::MatrixXd z = centred(data);
  const double dof = static_cast<double>(data.rows() - 1);
  for (Eigen::Index j = 0; j < z.cols(); ++j) {
    const double sd = std::sqrt(z.col(j).squaredNorm() / dof);
    if (sd > 0.0) {
      z.col(j) /= sd;
    } else {
      z.col(j).setConstant(nan);
    }
  }
  return z;
}

} // namespace

Eigen::MatrixXd correlation_matrix(const Eigen::MatrixXd& data) {
  const Eigen::Index p = data.cols();
  if (data.rows() < 2) return Eigen::MatrixXd::Constant(p, p, nan);
  const Eigen::MatrixXd c = centred(data);
  const Eigen::MatrixXd cross = c.transpose() * c;
  Eigen::MatrixXd r(p, p);
  for (Eigen::Index i = 0; i < p; ++i) {
    for (Eigen::Index j = 0; j < p; ++j) {
      const double scale = std::sqrt(cross(i, i) * cross(j, j));
      r(i, j) = scale > 0.0 ? cross(i, j) / scale : nan;
    }
    if (cross(i, i) > 0.0) r(i, i) = 1.0; // exact, whatever the rounding above
  }
  return r;
}

double cronbach_alpha(const Eigen::MatrixXd& items) {
  const Eigen::Index k = items.cols();
  if (k < 2 || items.rows() < 2) return nan;
  // With C the item covariance matrix, the variance of the total score is the sum of all
  // entries of C and the item variances are its diagonal; the 1 / (n - 1) factors cancel.
  const Eigen::MatrixXd c = centred(items);
  const Eigen::MatrixXd cross = c.transpose() * c;
  const double total = cross.sum();
  if (!(total > 0.0)) return nan;
  const double kd = static_cast<double>(k);
  return kd / (kd - 1.0) * (1.0 - cross.trace() / total);
}

double kmo_from_correlation(const Eigen::MatrixXd& r) {
  if (r.rows() < 2 || !r.allFinite()) return nan;
  const Eigen::LLT<Eigen::MatrixXd> llt(r);
  if (llt.info() != Eigen::Success) return nan;
  const Eigen::MatrixXd q = llt.solve(Eigen::MatrixXd::Identity(r.rows(), r.cols()));
  double correlation_sq = 0.0;
  double partial_sq = 0.0;
  for (Eigen::Index i = 0; i < r.rows(); ++i) {
    for (Eigen::Index j = 0; j < r.cols(); ++j) {
      if (i == j) continue;
      const double partial = -q(i, j) / std::sqrt(q(i, i) * q(j, j));
      correlation_sq += r(i, j) * r(i, j);
      partial_sq += partial * partial;
    }
  }
  const double denominator = correlation_sq + partial_sq;
  return denominator > 0.0 ? correlation_sq / denominator : nan;
}

double kmo(const Eigen::MatrixXd& items) {
  return kmo_from_correlation(correlation_matrix(items));
}

Bartlett bartlett_from_correlation(const Eigen::MatrixXd& r, std::int64_t n) {
  const auto p = static_cast<double>(r.rows());
  Bartlett result{nan, p * (p - 1.0) / 2.0, nan};
  const double multiplier = static_cast<double>(n) - 1.0 - (2.0 * p + 5.0) / 6.0;
  if (r.rows() < 2 || !(multiplier > 0.0) || !r.allFinite()) return result;
  const Eigen::LLT<Eigen::MatrixXd> llt(r);
  if (llt.info() != Eigen::Success) return result;
  const Eigen::MatrixXd l = llt.matrixL();
  double log_det = 0.0;
  for (Eigen::Index i = 0; i < l.rows(); ++i)
    log_det += 2.0 * std::log(l(i, i));
  // |R| <= 1 for a correlation matrix (Hadamard), so the statistic is >= 0 up to rounding
  // when R is nearly the identity; clamp that rounding away.
  result.statistic = std::max(0.0, -multiplier * log_det);
  if (std::isinf(result.statistic)) {
    result.p = 0.0;
  } else {
    const boost::math::chi_squared_distribution<double> chi2(result.df);
    result.p = boost::math::cdf(boost::math::complement(chi2, result.statistic));
  }
  return result;
}

Bartlett bartlett_sphericity(const Eigen::MatrixXd& items) {
  return bartlett_from_correlation(correlation_matrix(items), items.rows());
}

Eigen::VectorXd standardized_ols(const Eigen::VectorXd& y, const Eigen::MatrixXd& X) {
  if (y.size() != X.rows())
    throw std::invalid_argument("standardized_ols: y and X row counts differ");
  if (X.rows() < 2) return Eigen::VectorXd::Constant(X.cols(), nan);
  const Eigen::MatrixXd zx = standardized(X);
  const Eigen::MatrixXd zy = standardized(y);
  if (!zx.allFinite() || !zy.allFinite()) return Eigen::VectorXd::Constant(X.cols(), nan);
  return zx.colPivHouseholderQr().solve(zy.col(0));
}

std::vector<double> bootstrap_replicates(Eigen::Index n, std::int64_t resamples,
                                         const ResampleBlock& blocks,
                                         const ResampleStatistic& statistic) {
  if (resamples <= 0 || n <= 0) return {};
  std::vector<double> values(static_cast<std::size_t>(resamples), nan);
  std::exception_ptr failure;
  const auto rows = static_cast<std::uint64_t>(n);
#pragma omp parallel
  {
    std::vector<Eigen::Index> selected(static_cast<std::size_t>(n));
#pragma omp for schedule(static)
    for (std::int64_t r = 0; r < resamples; ++r) {
      try {
        std::array<std::uint64_t, 4> block{};
        for (std::uint64_t k = 0; k < rows; ++k) {
          if (k % 4 == 0) block = blocks(static_cast<std::uint64_t>(r), k / 4);
          // Lemire's multiply-shift, as CounterRng::below: uniform on [0, n).
          const auto row =
              static_cast<std::uint64_t>((static_cast<uint128>(block[k % 4]) * rows) >> 64);
          selected[k] = static_cast<Eigen::Index>(row);
        }
        values[static_cast<std::size_t>(r)] = statistic(selected);
      } catch (...) {
#pragma omp critical(minesim_bootstrap_failure)
        if (!failure) failure = std::current_exception();
      }
    }
  }
  if (failure) std::rethrow_exception(failure);
  return values;
}

Interval percentile_interval(std::vector<double> values, double level) {
  if (values.empty()) return {nan, nan};
  for (const double v : values)
    if (std::isnan(v)) return {nan, nan};
  const double tail = (1.0 - level) / 2.0;
  const double low = quantile_inplace(values, tail);
  const double high = quantile_inplace(values, 1.0 - tail);
  return {low, high};
}

Interval bootstrap_percentile_interval(Eigen::Index n, std::int64_t resamples, double level,
                                       const ResampleBlock& blocks,
                                       const ResampleStatistic& statistic) {
  return percentile_interval(bootstrap_replicates(n, resamples, blocks, statistic), level);
}

} // namespace minesim
