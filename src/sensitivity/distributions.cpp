#include "sensitivity/distributions.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>

namespace minesim::sensitivity {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double infinity = std::numeric_limits<double>::infinity();
constexpr double sqrt_half = 0.70710678118654752440;

// Truncation intervals whose probability is below this (bounds beyond about 37 sd on one
// side of the mean) are refused: the tail probability would be subnormal or zero, and the
// quantile would lose all precision or divide by zero.
constexpr double smallest_truncated_mass = 1e-300;

std::string number(double x) {
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), "%.15g", x);
  return text.data();
}

// A polynomial with coefficients c[0] + c[1] r + ... by Horner's rule.
template <std::size_t n> double polynomial(const std::array<double, n>& c, double r) {
  double sum = c[n - 1];
  for (std::size_t i = n - 1; i-- > 0;)
    sum = sum * r + c[i];
  return sum;
}

// Wichura (1988), algorithm AS 241, PPND16: rational minimax approximations in three
// regions, the centre |p - 0.5| <= 0.425 in r = 0.180625 - q^2, and the tails in
// r = sqrt(-log(min(p, 1 - p))), split at r = 5 (p about 1.4e-11). The coefficients are
// the published ones.
constexpr std::array<double, 8> as241_centre_numerator{
    3.387132872796366608,    1.3314166789178437745e2, 1.9715909503065514427e3,
    1.3731693765509461125e4, 4.5921953931549871457e4, 6.7265770927008700853e4,
    3.3430575583588128105e4, 2.5090809287301226727e3};
constexpr std::array<double, 8> as241_centre_denominator{1.0,
                                                         4.2313330701600911252e1,
                                                         6.8718700749205790830e2,
                                                         5.3941960214247511077e3,
                                                         2.1213794301586595867e4,
                                                         3.9307895800092710610e4,
                                                         2.8729085735721942674e4,
                                                         5.2264952788528545610e3};
constexpr std::array<double, 8> as241_near_numerator{
    1.42343711074968357734,    4.63033784615654529590,   5.76949722146069140550,
    3.64784832476320460504,    1.27045825245236838258,   2.41780725177450611770e-1,
    2.27238449892691845833e-2, 7.74545014278341407640e-4};
constexpr std::array<double, 8> as241_near_denominator{1.0,
                                                       2.05319162663775882187,
                                                       1.67638483018380384940,
                                                       6.89767334985100004550e-1,
                                                       1.48103976427480074590e-1,
                                                       1.51986665636164571966e-2,
                                                       5.47593808499534494600e-4,
                                                       1.05075007164441684324e-9};
constexpr std::array<double, 8> as241_far_numerator{
    6.65790464350110377720,    5.46378491116411436990,    1.78482653991729133580,
    2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3,
    2.71155556874348757815e-5, 2.01033439929228813265e-7};
constexpr std::array<double, 8> as241_far_denominator{1.0,
                                                      5.99832206555887937690e-1,
                                                      1.36929880922735805310e-1,
                                                      1.48753612908506148525e-2,
                                                      7.86869131145613259100e-4,
                                                      1.84631831751005468180e-5,
                                                      1.42151175831644588870e-7,
                                                      2.04426310338993978564e-15};

// Probability of the standardized interval [a, b] and, to keep relative precision in the
// tails, whether it is measured from the upper tail (a >= 0) or from the lower one.
struct TruncationMass {
  double mass = 0.0; // P(a <= Z <= b)
  double near = 0.0; // the tail probability at the bound nearer the mean
};

TruncationMass truncation_mass(double a, double b) {
  if (a >= 0.0) {
    const double qa = standard_normal_upper_tail(a);
    return {qa - standard_normal_upper_tail(b), qa};
  }
  if (b <= 0.0) {
    const double pb = standard_normal_cdf(b);
    return {pb - standard_normal_cdf(a), pb};
  }
  return {standard_normal_cdf(b) - standard_normal_cdf(a), 0.5};
}

// Quantile of the standard normal conditioned on [a, b]. The target probability is
// interpolated in whichever tail keeps it away from 1, where it would lose its relative
// precision: from the upper tail when the interval lies above the mean, from the lower tail
// when it lies below, and when it straddles the mean from the tail the target falls in.
double truncated_standard_normal_quantile(double a, double b, double u) {
  if (a >= 0.0) {
    const double qa = standard_normal_upper_tail(a);
    const double qb = standard_normal_upper_tail(b);
    return -standard_normal_quantile((1.0 - u) * qa + u * qb);
  }
  const double pa = standard_normal_cdf(a);
  const double pb = standard_normal_cdf(b);
  if (b <= 0.0) return standard_normal_quantile((1.0 - u) * pa + u * pb);
  const double mass = pb - pa;
  const double p = pa + u * mass;
  if (p <= 0.5) return standard_normal_quantile(p);
  return -standard_normal_quantile(standard_normal_upper_tail(b) + (1.0 - u) * mass);
}

} // namespace

std::string_view kind_name(DistributionKind kind) noexcept {
  switch (kind) {
  case DistributionKind::uniform: return "uniform";
  case DistributionKind::log_uniform: return "log_uniform";
  case DistributionKind::triangular: return "triangular";
  case DistributionKind::truncated_normal: return "truncated_normal";
  }
  return "unknown";
}

Distribution uniform_distribution(double lo, double hi) noexcept {
  return {DistributionKind::uniform, lo, hi, 0.0, 0.0, 1.0};
}

Distribution log_uniform_distribution(double lo, double hi) noexcept {
  return {DistributionKind::log_uniform, lo, hi, 0.0, 0.0, 1.0};
}

Distribution triangular_distribution(double lo, double mode, double hi) noexcept {
  return {DistributionKind::triangular, lo, hi, mode, 0.0, 1.0};
}

Distribution truncated_normal_distribution(double mean, double sd, double lo, double hi) noexcept {
  return {DistributionKind::truncated_normal, lo, hi, 0.0, mean, sd};
}

std::string validate(const Distribution& d) {
  const std::string kind(kind_name(d.kind));
  const bool may_be_infinite = d.kind == DistributionKind::truncated_normal;
  if (std::isnan(d.lo) || std::isnan(d.hi) ||
      (!may_be_infinite && (!std::isfinite(d.lo) || !std::isfinite(d.hi))))
    return kind + " needs finite bounds (lo = " + number(d.lo) + ", hi = " + number(d.hi) + ")";
  if (!(d.lo < d.hi))
    return kind + " needs lo < hi (lo = " + number(d.lo) + ", hi = " + number(d.hi) + ")";
  switch (d.kind) {
  case DistributionKind::uniform: return "";
  case DistributionKind::log_uniform:
    if (!(d.lo > 0.0)) return "log_uniform needs 0 < lo (lo = " + number(d.lo) + ")";
    return "";
  case DistributionKind::triangular:
    if (!(d.mode >= d.lo && d.mode <= d.hi))
      return "triangular needs lo <= mode <= hi (lo = " + number(d.lo) +
             ", mode = " + number(d.mode) + ", hi = " + number(d.hi) + ")";
    return "";
  case DistributionKind::truncated_normal: {
    if (!std::isfinite(d.mean)) return "truncated_normal needs a finite mean";
    if (!(d.sd > 0.0) || !std::isfinite(d.sd))
      return "truncated_normal needs 0 < sd < infinity (sd = " + number(d.sd) + ")";
    const TruncationMass m = truncation_mass((d.lo - d.mean) / d.sd, (d.hi - d.mean) / d.sd);
    if (!(m.near >= smallest_truncated_mass) || !(m.mass > 0.0))
      return "truncated_normal: [" + number(d.lo) + ", " + number(d.hi) +
             "] holds no representable probability of normal(" + number(d.mean) + ", " +
             number(d.sd) + ")";
    return "";
  }
  }
  return "unknown distribution kind";
}

double quantile(const Distribution& d, double u) {
  if (!(u >= 0.0 && u <= 1.0)) return nan;
  if (u == 0.0) return d.lo;
  if (u == 1.0) return d.hi;
  double x = nan;
  switch (d.kind) {
  case DistributionKind::uniform: x = d.lo + u * (d.hi - d.lo); break;
  case DistributionKind::log_uniform: {
    const double log_lo = std::log(d.lo);
    x = std::exp(log_lo + u * (std::log(d.hi) - log_lo));
    break;
  }
  case DistributionKind::triangular: {
    // F(x) = (x - lo)^2 / ((hi - lo)(mode - lo)) up to the mode, whose CDF is
    // (mode - lo) / (hi - lo); 1 - (hi - x)^2 / ((hi - lo)(hi - mode)) above it.
    const double width = d.hi - d.lo;
    const double at_mode = (d.mode - d.lo) / width;
    x = u <= at_mode ? d.lo + std::sqrt(u * width * (d.mode - d.lo))
                     : d.hi - std::sqrt((1.0 - u) * width * (d.hi - d.mode));
    break;
  }
  case DistributionKind::truncated_normal:
    x = d.mean + d.sd * truncated_standard_normal_quantile((d.lo - d.mean) / d.sd,
                                                           (d.hi - d.mean) / d.sd, u);
    break;
  }
  return std::clamp(x, d.lo, d.hi);
}

double standard_normal_cdf(double x) {
  return 0.5 * std::erfc(-x * sqrt_half);
}

double standard_normal_upper_tail(double x) {
  return 0.5 * std::erfc(x * sqrt_half);
}

double standard_normal_quantile(double p) {
  if (!(p >= 0.0 && p <= 1.0)) return nan;
  if (p == 0.0) return -infinity;
  if (p == 1.0) return infinity;
  const double q = p - 0.5;
  if (std::fabs(q) <= 0.425) {
    const double r = 0.180625 - q * q;
    return q * polynomial(as241_centre_numerator, r) / polynomial(as241_centre_denominator, r);
  }
  // The smaller tail probability; for p > 0.5, 1 - p is exact (Sterbenz) in double.
  double r = std::sqrt(-std::log(q < 0.0 ? p : 1.0 - p));
  double z = 0.0;
  if (r <= 5.0) {
    r -= 1.6;
    z = polynomial(as241_near_numerator, r) / polynomial(as241_near_denominator, r);
  } else {
    r -= 5.0;
    z = polynomial(as241_far_numerator, r) / polynomial(as241_far_denominator, r);
  }
  return q < 0.0 ? -z : z;
}

} // namespace minesim::sensitivity
