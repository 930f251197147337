#include "sensitivity/abc_smc.hpp"

#include "engine/errors.hpp"
#include "engine/random.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <utility>

namespace minesim::calibration {

namespace {

constexpr double pi = 3.14159265358979323846;
constexpr double infinity = std::numeric_limits<double>::infinity();

/// A perturbed particle outside the prior's box is redrawn (ancestor and perturbation) at
/// most this many times. With a kernel of twice the population's covariance centred inside
/// the box, at least a few percent of the kernel's mass lies inside for any box, so
/// reaching the cap means the state is corrupt, not that the sampler was unlucky.
constexpr int max_support_redraws = 10000;

[[nodiscard]] double normal_cdf(double x) {
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}
[[nodiscard]] double normal_upper_tail(double x) {
  return 0.5 * std::erfc(x / std::sqrt(2.0));
}

/// The probability of a truncated normal's interval, taken from whichever tail keeps its
/// precision: upper tails when the interval lies above the mean (1 - CDF would round to 0
/// there), the CDF otherwise.
struct TruncationMass {
  bool upper = false; ///< true: `a` and `b` are upper tails Q(za), Q(zb)
  double a = 0.0;     ///< CDF or upper tail at the standardized lower bound
  double b = 0.0;     ///< CDF or upper tail at the standardized upper bound
  [[nodiscard]] double mass() const { return upper ? a - b : b - a; }
};

[[nodiscard]] TruncationMass truncation_mass(const Prior& prior) {
  const double za = (prior.lo - prior.mean) / prior.sd;
  const double zb = (prior.hi - prior.mean) / prior.sd;
  if (za >= 0.0) return {true, normal_upper_tail(za), normal_upper_tail(zb)};
  return {false, normal_cdf(za), normal_cdf(zb)};
}

[[nodiscard]] std::size_t count(int n) {
  return static_cast<std::size_t>(n);
}

[[nodiscard]] std::size_t dimension_of(const AbcProblem& problem) {
  return problem.priors.size();
}

/// The Cholesky factor and the cumulative weights of the previous population, which every
/// proposal of a generation after 0 uses.
struct PerturbationKernel {
  Eigen::MatrixXd lower;          ///< lower Cholesky factor of the kernel covariance
  std::vector<double> cumulative; ///< running sums of the previous weights, in order
};

[[nodiscard]] PerturbationKernel make_kernel(const AbcProblem& problem, const AbcState& state) {
  PerturbationKernel kernel;
  kernel.lower = kernel_cholesky(problem.priors, state.particles, state.weights);
  kernel.cumulative.resize(state.weights.size());
  double running = 0.0;
  for (std::size_t j = 0; j < state.weights.size(); ++j) {
    running += state.weights[j];
    kernel.cumulative[j] = running;
  }
  return kernel;
}

[[nodiscard]] bool inside_support(const std::vector<Prior>& priors,
                                  const std::vector<double>& theta) {
  for (std::size_t k = 0; k < priors.size(); ++k)
    if (!(theta[k] >= priors[k].lo && theta[k] <= priors[k].hi)) return false;
  return true;
}

/// Slot `slot` of batch `batch` of generation 0: each coordinate is the prior's inverse CDF
/// at its own uniform draw.
[[nodiscard]] std::vector<double> propose_from_prior(const AbcConfig& config,
                                                     const AbcProblem& problem, std::uint64_t batch,
                                                     std::uint64_t slot) {
  const CounterRng rng(config.seed, abc_prior_stream, 0, batch, slot);
  std::vector<double> theta(dimension_of(problem));
  for (std::size_t k = 0; k < theta.size(); ++k)
    theta[k] = prior_quantile(problem.priors[k], rng.uniform(k));
  return theta;
}

/// Slot `slot` of batch `batch` of a later generation: an ancestor drawn by its weight
/// (inverse CDF of the cumulative weights), moved by L z with z standard normal. Try r
/// uses uniform draw 2r(d+1) for the ancestor and normal draws r(d+1)+1 .. r(d+1)+d
/// (uniform draws 2r(d+1)+2 .. 2r(d+1)+2d+1), so tries never share a draw.
[[nodiscard]] std::vector<double>
propose_perturbed(const AbcConfig& config, const AbcProblem& problem, const AbcState& state,
                  const PerturbationKernel& kernel, std::uint64_t batch, std::uint64_t slot) {
  const std::size_t d = dimension_of(problem);
  const std::size_t n = state.weights.size();
  const CounterRng rng(config.seed, abc_perturb_stream,
                       static_cast<std::uint64_t>(state.generation), batch, slot);
  std::vector<double> theta(d);
  std::vector<double> z(d);
  for (int r = 0; r < max_support_redraws; ++r) {
    const std::uint64_t base = static_cast<std::uint64_t>(r) * (d + 1);
    const double target = rng.uniform(2 * base) * kernel.cumulative.back();
    const auto it = std::upper_bound(kernel.cumulative.begin(), kernel.cumulative.end(), target);
    const std::size_t ancestor =
        std::min(static_cast<std::size_t>(it - kernel.cumulative.begin()), n - 1);
    for (std::size_t k = 0; k < d; ++k)
      z[k] = rng.normal(base + 1 + k);
    for (std::size_t k = 0; k < d; ++k) {
      double shift = 0.0;
      for (std::size_t l = 0; l <= k; ++l)
        shift += kernel.lower(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(l)) * z[l];
      theta[k] = state.particles[ancestor * d + k] + shift;
    }
    if (inside_support(problem.priors, theta)) return theta;
  }
  throw std::runtime_error("abc-smc: no perturbed proposal inside the prior's box after " +
                           std::to_string(max_support_redraws) + " tries (generation " +
                           std::to_string(state.generation) + ")");
}

/// Importance weights given the kernel's Cholesky factor; see `importance_weights`. With
/// y = L^-1 theta, the kernel's exponent is -|y_i - y_j|^2 / 2, and its normalizing
/// constant is common to all terms, so it is left out.
[[nodiscard]] std::vector<double> mixture_weights(const std::vector<Prior>& priors,
                                                  const std::vector<double>& particles,
                                                  const std::vector<double>& previous,
                                                  const std::vector<double>& previous_weights,
                                                  const Eigen::MatrixXd& lower) {
  const std::size_t d = priors.size();
  const std::size_t n = particles.size() / d;
  const std::size_t m = previous.size() / d;
  const auto solve = [&](const std::vector<double>& rows, std::size_t count_rows) {
    Eigen::MatrixXd x(static_cast<Eigen::Index>(d), static_cast<Eigen::Index>(count_rows));
    for (std::size_t i = 0; i < count_rows; ++i)
      for (std::size_t k = 0; k < d; ++k)
        x(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(i)) = rows[i * d + k];
    return Eigen::MatrixXd(lower.triangularView<Eigen::Lower>().solve(x));
  };
  const Eigen::MatrixXd y_new = solve(particles, n);
  const Eigen::MatrixXd y_old = solve(previous, m);

  std::vector<double> log_previous(m);
  for (std::size_t j = 0; j < m; ++j)
    log_previous[j] = previous_weights[j] > 0.0 ? std::log(previous_weights[j]) : -infinity;

  std::vector<double> log_weight(n);
  std::vector<double> terms(m);
  for (std::size_t i = 0; i < n; ++i) {
    double log_prior = 0.0;
    for (std::size_t k = 0; k < d; ++k)
      log_prior += prior_log_density(priors[k], particles[i * d + k]);
    double largest = -infinity;
    for (std::size_t j = 0; j < m; ++j) {
      double squared = 0.0;
      for (std::size_t k = 0; k < d; ++k) {
        const double diff = y_new(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(i)) -
                            y_old(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(j));
        squared += diff * diff;
      }
      terms[j] = log_previous[j] - 0.5 * squared;
      largest = std::max(largest, terms[j]);
    }
    double sum = 0.0;
    for (std::size_t j = 0; j < m; ++j)
      sum += std::exp(terms[j] - largest);
    log_weight[i] = log_prior - (largest + std::log(sum));
  }

  double top = -infinity;
  for (const double lw : log_weight)
    if (std::isfinite(lw)) top = std::max(top, lw);
  std::vector<double> weights(n, 0.0);
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    weights[i] = std::isfinite(log_weight[i]) ? std::exp(log_weight[i] - top) : 0.0;
    total += weights[i];
  }
  for (double& w : weights)
    w /= total;
  return weights;
}

/// Closes the generation whose population just filled: weights, history, the stopping rules
/// (final tolerance, generation count, acceptance rate, in that order) and the next
/// tolerance.
void complete_generation(const AbcConfig& config, const AbcProblem& problem, AbcState& state) {
  const std::size_t n = count(config.particles);
  std::vector<double> weights;
  if (state.generation == 0) {
    weights.assign(n, 1.0 / static_cast<double>(n));
  } else {
    const Eigen::MatrixXd lower = kernel_cholesky(problem.priors, state.particles, state.weights);
    weights =
        mixture_weights(problem.priors, state.accepted, state.particles, state.weights, lower);
  }
  const double rate = static_cast<double>(n) / static_cast<double>(state.simulations);
  state.history_tolerance.push_back(state.tolerance);
  state.history_acceptance_rate.push_back(rate);
  state.history_ess.push_back(effective_sample_size(weights));
  state.history_simulations.push_back(state.simulations);

  state.particles = std::move(state.accepted);
  state.distances = std::move(state.accepted_distances);
  state.weights = std::move(weights);
  state.accepted.clear();
  state.accepted_distances.clear();
  state.attempts = 0;
  state.simulations = 0;
  state.generation += 1;

  if (config.final_tolerance && state.tolerance <= *config.final_tolerance) {
    state.stop = AbcStop::final_tolerance;
  } else if (state.generation >= config.max_generations) {
    state.stop = AbcStop::max_generations;
  } else if (rate < config.min_acceptance_rate) {
    state.stop = AbcStop::acceptance_rate;
  } else {
    double next = tolerance_quantile(state.distances, config.quantile);
    if (config.final_tolerance) next = std::max(next, *config.final_tolerance);
    state.tolerance = next;
  }
}

} // namespace

// --- priors --------------------------------------------------------------------------------

Prior uniform_prior(double lo, double hi) noexcept {
  return {PriorKind::uniform, lo, hi, 0.0, 1.0};
}

Prior log_uniform_prior(double lo, double hi) noexcept {
  return {PriorKind::log_uniform, lo, hi, 0.0, 1.0};
}

Prior truncated_normal_prior(double mean, double sd, double lo, double hi) noexcept {
  return {PriorKind::truncated_normal, lo, hi, mean, sd};
}

std::string validate(const Prior& prior) {
  if (!std::isfinite(prior.lo) || !std::isfinite(prior.hi)) return "bounds must be finite";
  if (!(prior.lo < prior.hi)) return "lo must be below hi";
  switch (prior.kind) {
  case PriorKind::uniform: return "";
  case PriorKind::log_uniform: return prior.lo > 0.0 ? "" : "log_uniform needs lo > 0";
  case PriorKind::truncated_normal:
    if (!std::isfinite(prior.mean)) return "mean must be finite";
    if (!(prior.sd > 0.0) || !std::isfinite(prior.sd)) return "sd must be positive and finite";
    if (!(truncation_mass(prior).mass() > 0.0))
      return "the interval [lo, hi] has no probability in double precision";
    return "";
  }
  return "unknown prior kind";
}

double prior_log_density(const Prior& prior, double x) {
  if (!(x >= prior.lo && x <= prior.hi)) return -infinity;
  switch (prior.kind) {
  case PriorKind::uniform: return -std::log(prior.hi - prior.lo);
  case PriorKind::log_uniform: return -std::log(x) - std::log(std::log(prior.hi / prior.lo));
  case PriorKind::truncated_normal: {
    const double z = (x - prior.mean) / prior.sd;
    return -0.5 * z * z - std::log(prior.sd * std::sqrt(2.0 * pi)) -
           std::log(truncation_mass(prior).mass());
  }
  }
  return -infinity;
}

double prior_quantile(const Prior& prior, double u) {
  double x = std::numeric_limits<double>::quiet_NaN();
  switch (prior.kind) {
  case PriorKind::uniform: x = prior.lo + u * (prior.hi - prior.lo); break;
  case PriorKind::log_uniform: x = prior.lo * std::exp(u * std::log(prior.hi / prior.lo)); break;
  case PriorKind::truncated_normal: {
    const TruncationMass t = truncation_mass(prior);
    // Interpolate between the bounds' tail probabilities on the side that keeps precision.
    const double z = t.upper ? -standard_normal_quantile(t.a - u * (t.a - t.b))
                             : standard_normal_quantile(t.a + u * (t.b - t.a));
    x = prior.mean + prior.sd * z;
    break;
  }
  }
  return std::clamp(x, prior.lo, prior.hi);
}

double standard_normal_quantile(double p) {
  if (!(p >= 0.0 && p <= 1.0)) return std::numeric_limits<double>::quiet_NaN();
  if (p == 0.0) return -infinity;
  if (p == 1.0) return infinity;
  const bool upper = p > 0.5;
  const double tail = upper ? 1.0 - p : p; // exact for p in (0.5, 1) (Sterbenz)
  // Abramowitz & Stegun 26.2.23: the upper-tail point for probability `tail`.
  const double t = std::sqrt(-2.0 * std::log(tail));
  double x = -(t - (2.515517 + t * (0.802853 + t * 0.010328)) /
                       (1.0 + t * (1.432788 + t * (0.189269 + t * 0.001308))));
  // Halley's method on F(x) = Phi(x) - tail: each step roughly triples the correct digits.
  for (int step = 0; step < 3; ++step) {
    const double e = normal_cdf(x) - tail;
    const double u = e * std::sqrt(2.0 * pi) * std::exp(0.5 * x * x);
    if (!std::isfinite(u)) break;
    x -= u / (1.0 + 0.5 * x * u);
  }
  return upper ? -x : x;
}

// --- the numerical pieces ----------------------------------------------------------------

double standardized_distance(const std::vector<double>& simulated,
                             const std::vector<double>& observed,
                             const std::vector<double>& scale) {
  if (simulated.size() != observed.size() || scale.size() != observed.size())
    throw std::invalid_argument("abc-smc: " + std::to_string(simulated.size()) +
                                " simulated summaries for " + std::to_string(observed.size()) +
                                " observed ones");
  double sum = 0.0;
  for (std::size_t k = 0; k < observed.size(); ++k) {
    if (!std::isfinite(simulated[k])) return infinity;
    const double z = (simulated[k] - observed[k]) / scale[k];
    sum += z * z;
  }
  return std::sqrt(sum);
}

double tolerance_quantile(std::vector<double> distances, double alpha) {
  if (distances.empty()) throw std::invalid_argument("abc-smc: quantile of no distances");
  std::sort(distances.begin(), distances.end());
  // The relative shave keeps alpha n that should be an integer (0.3 * 10) from rounding up.
  const double rank = std::ceil(alpha * static_cast<double>(distances.size()) * (1.0 - 1e-12));
  const std::size_t index = static_cast<std::size_t>(std::max(rank, 1.0)) - 1;
  return distances[std::min(index, distances.size() - 1)];
}

double effective_sample_size(const std::vector<double>& weights) {
  double squares = 0.0;
  for (const double w : weights)
    squares += w * w;
  return 1.0 / squares;
}

Eigen::VectorXd weighted_mean(const std::vector<double>& particles,
                              const std::vector<double>& weights, int dimension) {
  const std::size_t d = count(dimension);
  Eigen::VectorXd mean = Eigen::VectorXd::Zero(dimension);
  double total = 0.0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    total += weights[i];
    for (std::size_t k = 0; k < d; ++k)
      mean(static_cast<Eigen::Index>(k)) += weights[i] * particles[i * d + k];
  }
  return mean / total;
}

Eigen::MatrixXd weighted_covariance(const std::vector<double>& particles,
                                    const std::vector<double>& weights, int dimension) {
  const std::size_t d = count(dimension);
  const Eigen::VectorXd mean = weighted_mean(particles, weights, dimension);
  Eigen::MatrixXd covariance = Eigen::MatrixXd::Zero(dimension, dimension);
  double total = 0.0;
  std::vector<double> centred(d);
  for (std::size_t i = 0; i < weights.size(); ++i) {
    total += weights[i];
    for (std::size_t k = 0; k < d; ++k)
      centred[k] = particles[i * d + k] - mean(static_cast<Eigen::Index>(k));
    for (std::size_t k = 0; k < d; ++k)
      for (std::size_t l = 0; l < d; ++l)
        covariance(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(l)) +=
            weights[i] * centred[k] * centred[l];
  }
  return covariance / total;
}

double weighted_quantile(const std::vector<double>& values, const std::vector<double>& weights,
                         double p) {
  if (values.empty() || values.size() != weights.size())
    throw std::invalid_argument("abc-smc: weighted quantile needs one weight per value");
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  // Ties keep index order, so the result does not depend on the sort's stability.
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return values[a] < values[b] || (values[a] == values[b] && a < b);
  });
  double total = 0.0;
  for (const double w : weights)
    total += w;
  const double target = p * total;
  double running = 0.0;
  for (const std::size_t i : order) {
    running += weights[i];
    if (running >= target) return values[i];
  }
  return values[order.back()]; // p = 1 and a running sum that rounded below the total
}

std::vector<double> importance_weights(const std::vector<Prior>& priors,
                                       const std::vector<double>& particles,
                                       const std::vector<double>& previous,
                                       const std::vector<double>& previous_weights,
                                       const Eigen::MatrixXd& kernel_covariance) {
  const Eigen::LLT<Eigen::MatrixXd> llt(kernel_covariance);
  if (llt.info() != Eigen::Success)
    throw std::invalid_argument("abc-smc: kernel covariance is not positive definite");
  return mixture_weights(priors, particles, previous, previous_weights, llt.matrixL());
}

Eigen::MatrixXd kernel_cholesky(const std::vector<Prior>& priors,
                                const std::vector<double>& particles,
                                const std::vector<double>& weights) {
  const int d = static_cast<int>(priors.size());
  Eigen::MatrixXd covariance = 2.0 * weighted_covariance(particles, weights, d);
  Eigen::LLT<Eigen::MatrixXd> llt(covariance);
  if (llt.info() != Eigen::Success) {
    for (int k = 0; k < d; ++k) {
      const double ridge = 1e-9 * (priors[count(k)].hi - priors[count(k)].lo);
      covariance(k, k) += ridge * ridge;
    }
    llt.compute(covariance);
    if (llt.info() != Eigen::Success)
      throw std::runtime_error("abc-smc: the population's covariance is not usable");
  }
  return llt.matrixL();
}

// --- the sampler ---------------------------------------------------------------------------

std::string validate(const AbcConfig& config) {
  if (config.particles < 2) return "particles must be at least 2";
  if (config.batch_size < 1) return "batch_size must be at least 1";
  if (!(config.quantile > 0.0 && config.quantile < 1.0)) return "quantile must be in (0, 1)";
  if (config.max_generations < 1) return "max_generations must be at least 1";
  if (!(config.min_acceptance_rate >= 0.0 && config.min_acceptance_rate <= 1.0))
    return "min_acceptance_rate must be in [0, 1]";
  if (config.final_tolerance &&
      !(*config.final_tolerance >= 0.0 && std::isfinite(*config.final_tolerance)))
    return "final_tolerance must be finite and not negative";
  if (config.max_attempts_per_generation < 1)
    return "max_attempts_per_generation must be at least 1";
  return "";
}

std::string validate(const AbcProblem& problem) {
  if (problem.priors.empty()) return "no parameters";
  for (std::size_t k = 0; k < problem.priors.size(); ++k) {
    const std::string why = validate(problem.priors[k]);
    if (!why.empty()) return "prior " + std::to_string(k) + ": " + why;
  }
  if (problem.observed.empty()) return "no observed summaries";
  if (problem.observed_sd.size() != problem.observed.size())
    return "observed_sd needs one value per observed summary";
  for (std::size_t k = 0; k < problem.observed.size(); ++k) {
    if (!std::isfinite(problem.observed[k]))
      return "observed summary " + std::to_string(k) + " is not finite";
    if (!(problem.observed_sd[k] > 0.0) || !std::isfinite(problem.observed_sd[k]))
      return "observed_sd " + std::to_string(k) + " must be positive and finite";
  }
  return "";
}

AbcState start_abc(const AbcConfig& config, const AbcProblem& problem) {
  if (const std::string why = validate(config); !why.empty())
    throw InputError("abc-smc config: " + why);
  if (const std::string why = validate(problem); !why.empty())
    throw InputError("abc-smc problem: " + why);
  AbcState state;
  state.dimension = static_cast<int>(problem.priors.size());
  state.tolerance = infinity;
  return state;
}

std::string validate_state(const AbcConfig& config, const AbcProblem& problem,
                           const AbcState& state) {
  if (const std::string why = validate(config); !why.empty()) return why;
  if (const std::string why = validate(problem); !why.empty()) return why;
  const int code = static_cast<int>(state.stop);
  if (code < 0 || code > static_cast<int>(AbcStop::attempts_exhausted)) return "unknown stop code";
  if (state.dimension != static_cast<int>(problem.priors.size()))
    return "dimension differs from the number of priors";
  const std::size_t d = count(state.dimension);
  const std::size_t n = count(config.particles);
  if (state.generation < 0) return "negative generation";
  if (std::isnan(state.tolerance) || state.tolerance < 0.0) return "tolerance is not usable";
  if (state.attempts < 0) return "negative attempts";
  const std::size_t accepted = state.accepted_distances.size();
  if (state.accepted.size() != accepted * d) return "accepted particles and distances disagree";
  if (accepted >= n && state.stop == AbcStop::running) return "a full generation was not closed";
  if (state.simulations < static_cast<std::int64_t>(accepted))
    return "fewer simulations than accepted particles";
  const std::size_t completed = count(state.generation);
  if (state.history_tolerance.size() != completed ||
      state.history_acceptance_rate.size() != completed || state.history_ess.size() != completed ||
      state.history_simulations.size() != completed)
    return "history length differs from the generation number";
  const std::size_t population = completed == 0 ? 0 : n;
  if (state.weights.size() != population || state.distances.size() != population ||
      state.particles.size() != population * d)
    return "population arrays do not hold " + std::to_string(population) + " particles";
  double total = 0.0;
  for (const double w : state.weights) {
    if (!(w > 0.0) || !std::isfinite(w)) return "weights must be positive";
    total += w;
  }
  if (population > 0 && std::abs(total - 1.0) > 1e-9) return "weights do not sum to 1";
  return "";
}

bool finished(const AbcState& state) noexcept {
  return state.stop != AbcStop::running;
}

std::vector<std::vector<double>> next_batch(const AbcConfig& config, const AbcProblem& problem,
                                            const AbcState& state) {
  if (finished(state)) throw std::logic_error("abc-smc: next_batch after the sampler stopped");
  const auto batch = static_cast<std::uint64_t>(state.attempts);
  std::vector<std::vector<double>> proposals(count(config.batch_size));
  if (state.generation == 0) {
    for (std::size_t s = 0; s < proposals.size(); ++s)
      proposals[s] = propose_from_prior(config, problem, batch, s);
    return proposals;
  }
  const PerturbationKernel kernel = make_kernel(problem, state);
  for (std::size_t s = 0; s < proposals.size(); ++s)
    proposals[s] = propose_perturbed(config, problem, state, kernel, batch, s);
  return proposals;
}

void submit_batch(const AbcConfig& config, const AbcProblem& problem, AbcState& state,
                  const std::vector<std::vector<double>>& summaries) {
  if (finished(state)) throw std::logic_error("abc-smc: submit_batch after the sampler stopped");
  if (summaries.size() != count(config.batch_size))
    throw std::invalid_argument("abc-smc: " + std::to_string(summaries.size()) +
                                " summaries for a batch of " + std::to_string(config.batch_size));
  const std::vector<std::vector<double>> proposals = next_batch(config, problem, state);
  const std::size_t n = count(config.particles);
  for (std::size_t s = 0; s < proposals.size(); ++s) {
    const double distance =
        standardized_distance(summaries[s], problem.observed, problem.observed_sd);
    state.simulations += 1;
    if (!std::isfinite(distance) || !(distance <= state.tolerance)) continue;
    state.accepted.insert(state.accepted.end(), proposals[s].begin(), proposals[s].end());
    state.accepted_distances.push_back(distance);
    if (state.accepted_distances.size() == n) {
      // The rest of the batch is discarded: taking acceptances in slot order keeps the
      // population a function of the proposals alone.
      complete_generation(config, problem, state);
      return;
    }
  }
  state.attempts += 1;
  // Every remaining acceptance needs at least one more simulation, so the generation's final
  // rate is at most N / (simulations + still needed); below the minimum it is abandoned now.
  const auto still_needed = static_cast<std::int64_t>(n - state.accepted_distances.size());
  const double best_rate =
      static_cast<double>(n) / static_cast<double>(state.simulations + still_needed);
  if (best_rate < config.min_acceptance_rate) {
    state.stop = AbcStop::acceptance_rate;
  } else if (state.attempts >= config.max_attempts_per_generation) {
    state.stop = AbcStop::attempts_exhausted;
  }
}

AbcPosterior summarize(const AbcState& state) {
  if (state.weights.empty()) throw std::logic_error("abc-smc: no complete generation");
  const std::size_t d = count(state.dimension);
  const std::size_t n = state.weights.size();
  AbcPosterior posterior;
  posterior.mean = weighted_mean(state.particles, state.weights, state.dimension);
  posterior.covariance = weighted_covariance(state.particles, state.weights, state.dimension);
  posterior.q025.resize(state.dimension);
  posterior.median.resize(state.dimension);
  posterior.q975.resize(state.dimension);
  std::vector<double> column(n);
  for (std::size_t k = 0; k < d; ++k) {
    for (std::size_t i = 0; i < n; ++i)
      column[i] = state.particles[i * d + k];
    const auto row = static_cast<Eigen::Index>(k);
    posterior.q025(row) = weighted_quantile(column, state.weights, 0.025);
    posterior.median(row) = weighted_quantile(column, state.weights, 0.5);
    posterior.q975(row) = weighted_quantile(column, state.weights, 0.975);
  }
  posterior.ess = effective_sample_size(state.weights);
  posterior.tolerance = state.history_tolerance.back();
  posterior.generation = static_cast<int>(state.history_tolerance.size()) - 1;
  return posterior;
}

} // namespace minesim::calibration
