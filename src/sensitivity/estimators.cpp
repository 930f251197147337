#include "sensitivity/estimators.hpp"

#include "engine/stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

namespace minesim::sensitivity {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

void check_confidence(double confidence) {
  if (!(confidence > 0.0 && confidence < 1.0))
    throw std::invalid_argument("bootstrap confidence must lie in (0, 1), not " +
                                std::to_string(confidence));
}

// Resample b: n indices in [0, n) drawn with replacement. Index j is rng.below(j, n), taken
// four at a time from one Philox block.
void draw_resample(std::uint64_t seed, StreamId stream, std::size_t b,
                   std::vector<std::size_t>& pick) {
  const std::size_t n = pick.size();
  const CounterRng rng(seed, stream, b, 0);
  for (std::size_t j = 0; j < n; j += 4) {
    const std::array<std::uint64_t, 4> bits = rng.block(j / 4);
    for (std::size_t lane = 0; lane < 4 && j + lane < n; ++lane)
      pick[j + lane] = static_cast<std::size_t>((static_cast<uint128>(bits[lane]) * n) >> 64);
  }
}

// The percentile interval of `resampled`, reordering it. Resamples where the index is
// undefined (a resample of outputs with zero variance) are left out; an undefined estimate
// has an undefined interval.
Interval percentile_interval(double estimate, std::span<double> resampled, double confidence) {
  if (std::isnan(estimate)) return {};
  const auto defined =
      std::partition(resampled.begin(), resampled.end(), [](double x) { return !std::isnan(x); });
  const std::span<double> kept(resampled.begin(), defined);
  if (kept.empty()) return {};
  std::sort(kept.begin(), kept.end());
  return {quantile_sorted(kept, 0.5 * (1.0 - confidence)),
          quantile_sorted(kept, 0.5 * (1.0 + confidence))};
}

// V, S1_i and ST_i of the Saltelli blocks `pick` (block numbers, repeats allowed), summed in
// the order of `pick`.
struct SobolEstimate {
  double variance = nan;
  std::vector<double> first_order;
  std::vector<double> total;
};

void estimate_sobol(std::span<const double> outputs, std::size_t k,
                    std::span<const std::size_t> pick, SobolEstimate& out) {
  const std::size_t width = k + 2;
  const auto n = static_cast<double>(pick.size());
  double sum = 0.0;
  for (const std::size_t block : pick) {
    sum += outputs[block * width];
    sum += outputs[block * width + k + 1];
  }
  const double mean = sum / (2.0 * n);

  double squares = 0.0;
  std::fill(out.first_order.begin(), out.first_order.end(), 0.0);
  std::fill(out.total.begin(), out.total.end(), 0.0);
  for (const std::size_t block : pick) {
    const double* y = outputs.data() + block * width;
    const double f_a = y[0];
    const double f_b = y[k + 1];
    squares += (f_a - mean) * (f_a - mean);
    squares += (f_b - mean) * (f_b - mean);
    for (std::size_t i = 0; i < k; ++i) {
      const double f_ab = y[1 + i];
      out.first_order[i] += (f_b - mean) * (f_ab - f_a);
      out.total[i] += (f_a - f_ab) * (f_a - f_ab);
    }
  }
  out.variance = squares / (2.0 * n);
  const bool defined = out.variance > 0.0;
  for (std::size_t i = 0; i < k; ++i) {
    out.first_order[i] = defined ? out.first_order[i] / n / out.variance : nan;
    out.total[i] = defined ? out.total[i] / (2.0 * n) / out.variance : nan;
  }
}

} // namespace

SobolIndices sobol_indices(std::span<const double> outputs, std::size_t parameters,
                           const BootstrapOptions& bootstrap) {
  check_confidence(bootstrap.confidence);
  const std::size_t k = parameters;
  if (k == 0) throw std::invalid_argument("Sobol' indices: no parameters");
  if (outputs.empty() || outputs.size() % (k + 2) != 0)
    throw std::invalid_argument("Sobol' indices: " + std::to_string(outputs.size()) +
                                " outputs are not whole blocks of " + std::to_string(k + 2) +
                                " (A, AB_1 .. AB_k, B)");
  const std::size_t n = outputs.size() / (k + 2);

  std::vector<std::size_t> pick(n);
  std::iota(pick.begin(), pick.end(), std::size_t{0});
  SobolEstimate estimate{nan, std::vector<double>(k), std::vector<double>(k)};
  estimate_sobol(outputs, k, pick, estimate);

  SobolIndices result;
  result.base_size = n;
  result.variance = estimate.variance;
  result.parameters.resize(k);
  for (std::size_t i = 0; i < k; ++i) {
    result.parameters[i].first_order = estimate.first_order[i];
    result.parameters[i].total = estimate.total[i];
  }

  // Resampled indices, parameter-major: entry i B + b.
  const std::size_t resamples = bootstrap.resamples;
  std::vector<double> first_order(k * resamples);
  std::vector<double> total(k * resamples);
  SobolEstimate resampled{nan, std::vector<double>(k), std::vector<double>(k)};
  for (std::size_t b = 0; b < resamples; ++b) {
    draw_resample(bootstrap.seed, sobol_bootstrap_stream, b, pick);
    estimate_sobol(outputs, k, pick, resampled);
    for (std::size_t i = 0; i < k; ++i) {
      first_order[i * resamples + b] = resampled.first_order[i];
      total[i * resamples + b] = resampled.total[i];
    }
  }
  for (std::size_t i = 0; i < k; ++i) {
    SobolIndex& index = result.parameters[i];
    index.first_order_interval = percentile_interval(
        index.first_order, std::span(first_order).subspan(i * resamples, resamples),
        bootstrap.confidence);
    index.total_interval = percentile_interval(
        index.total, std::span(total).subspan(i * resamples, resamples), bootstrap.confidence);
  }
  return result;
}

std::vector<double> elementary_effects(const MorrisDesign& design,
                                       std::span<const double> outputs) {
  const std::size_t k = design.parameters;
  const std::size_t r = design.trajectories;
  if (outputs.size() != design.rows())
    throw std::invalid_argument("Morris elementary effects: " + std::to_string(outputs.size()) +
                                " outputs for a design of " + std::to_string(design.rows()) +
                                " rows");
  if (design.steps.size() != r * k)
    throw std::invalid_argument("Morris elementary effects: the design has " +
                                std::to_string(design.steps.size()) + " steps, not " +
                                std::to_string(r * k));
  // A factor that no step of a trajectory moves keeps NaN there.
  std::vector<double> effects(k * r, nan);
  for (std::size_t t = 0; t < r; ++t) {
    const double* y = outputs.data() + t * (k + 1);
    for (std::size_t s = 0; s < k; ++s) {
      const MorrisStep& step = design.steps[t * k + s];
      if (step.factor >= k)
        throw std::invalid_argument("Morris elementary effects: a step moves factor " +
                                    std::to_string(step.factor) + " of " + std::to_string(k));
      effects[step.factor * r + t] = (y[s + 1] - y[s]) / step.signed_delta;
    }
  }
  return effects;
}

std::vector<MorrisIndex> morris_indices(const MorrisDesign& design, std::span<const double> outputs,
                                        const BootstrapOptions& bootstrap) {
  check_confidence(bootstrap.confidence);
  const std::vector<double> effects = elementary_effects(design, outputs);
  const std::size_t k = design.parameters;
  const std::size_t r = design.trajectories;
  const auto count = static_cast<double>(r);

  std::vector<MorrisIndex> result(k);
  for (std::size_t f = 0; f < k; ++f) {
    const double* ee = effects.data() + f * r;
    double sum = 0.0;
    double sum_abs = 0.0;
    for (std::size_t t = 0; t < r; ++t) {
      sum += ee[t];
      sum_abs += std::fabs(ee[t]);
    }
    MorrisIndex& index = result[f];
    index.mu = sum / count;
    index.mu_star = sum_abs / count;
    if (r >= 2) {
      double squares = 0.0;
      for (std::size_t t = 0; t < r; ++t)
        squares += (ee[t] - index.mu) * (ee[t] - index.mu);
      index.sigma = std::sqrt(squares / (count - 1.0));
    }
  }

  // Resampled mu*, factor-major: entry f B + b. One draw of trajectories serves all factors.
  const std::size_t resamples = bootstrap.resamples;
  std::vector<double> mu_star(k * resamples);
  std::vector<std::size_t> pick(r);
  for (std::size_t b = 0; b < resamples; ++b) {
    draw_resample(bootstrap.seed, morris_bootstrap_stream, b, pick);
    for (std::size_t f = 0; f < k; ++f) {
      const double* ee = effects.data() + f * r;
      double sum_abs = 0.0;
      for (const std::size_t t : pick)
        sum_abs += std::fabs(ee[t]);
      mu_star[f * resamples + b] = sum_abs / count;
    }
  }
  for (std::size_t f = 0; f < k; ++f)
    result[f].mu_star_interval =
        percentile_interval(result[f].mu_star, std::span(mu_star).subspan(f * resamples, resamples),
                            bootstrap.confidence);
  return result;
}

} // namespace minesim::sensitivity
