#pragma once
// Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC), the population Monte
// Carlo sampler of Beaumont, Cornuet, Marin & Robert (2009, Biometrika 96(4) 983-990) with
// tolerances chosen adaptively as a quantile of the previous generation's distances
// (Drovandi & Pettitt 2011, Biometrics 67(1) 225-233; Del Moral, Doucet & Jasra 2012,
// Statistics and Computing 22(5) 1009-1020).
//
// The sampler is a resumable state machine driven one batch of simulations at a time: the
// caller asks for a batch of parameter vectors, runs the model on them however it likes (a
// batch runner, other processes), and hands back their summary statistics. Everything the
// sampler knows lives in AbcState, a plain struct of numbers and vectors, so a caller can
// write it to a file after any batch and continue from the file after a restart with
// bit-identical results. Every proposal is a pure function of (seed, generation, batch,
// slot) and the state, never of threads or timing (counter-based streams, engine/random.hpp).
//
// Generation 0 has an infinite tolerance: its particles are the first `particles` prior
// draws whose simulations give finite summaries, with equal weights, and the tolerance of
// generation 1 is the alpha-quantile of their distances. (Keeping the best draws of a larger
// prior sample instead would make generation 0 a non-sequential rejection step whose weights
// are not those of the prior; the quantile rule gets to the same tolerance one generation
// later.)
#include "engine/random.hpp"

#include <Eigen/Dense>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace minesim::calibration {

/// The random streams the sampler draws from, keyed by (generation, batch, slot): prior draws
/// of generation 0, and ancestors and perturbations of later generations. A caller that
/// keeps a StreamRegistry registers both.
inline constexpr StreamId abc_prior_stream = named_stream("abc_prior");
inline constexpr StreamId abc_perturb_stream = named_stream("abc_perturb");

// --- priors --------------------------------------------------------------------------------

/// The family of one parameter's prior. Every prior is bounded: the sampler's support is the
/// box [lo, hi] per parameter, and proposals outside it are redrawn.
enum class PriorKind {
  uniform,          ///< uniform on [lo, hi]
  log_uniform,      ///< log x uniform on [log lo, log hi]; needs 0 < lo
  truncated_normal, ///< normal(mean, sd) conditioned on [lo, hi]
};

/// One parameter's prior: a plain struct, built by the functions below and checked by
/// `validate`. `mean` and `sd` are used by truncated_normal only.
struct Prior {
  PriorKind kind = PriorKind::uniform;
  double lo = 0.0;   ///< lower bound of the support, finite
  double hi = 1.0;   ///< upper bound of the support, finite, above lo
  double mean = 0.0; ///< truncated_normal: mean before truncation
  double sd = 1.0;   ///< truncated_normal: standard deviation before truncation, > 0
};

[[nodiscard]] Prior uniform_prior(double lo, double hi) noexcept;
[[nodiscard]] Prior log_uniform_prior(double lo, double hi) noexcept;
[[nodiscard]] Prior truncated_normal_prior(double mean, double sd, double lo, double hi) noexcept;

/// Why `prior` cannot be used, or "" when it can: bounds not finite or not ordered, lo <= 0
/// for log_uniform, sd not positive, or a truncation interval so far in a tail that its
/// probability underflows.
[[nodiscard]] std::string validate(const Prior& prior);

/// The log density of `prior` at x: -infinity outside [lo, hi]. `prior` must be valid.
[[nodiscard]] double prior_log_density(const Prior& prior, double x);

/// The inverse CDF of `prior` at u in (0, 1), clamped to [lo, hi] against rounding.
[[nodiscard]] double prior_quantile(const Prior& prior, double u);

/// The standard normal quantile: Abramowitz & Stegun 26.2.23 (error below 4.5e-4) refined by
/// three Halley steps on the erfc-based CDF, which leaves a relative error near 1e-15.
/// -infinity at p = 0, +infinity at p = 1, NaN outside [0, 1].
[[nodiscard]] double standard_normal_quantile(double p);

// --- the numerical pieces ----------------------------------------------------------------

/// The Euclidean distance between simulated and observed summaries, each difference divided
/// by that statistic's scale: sqrt(sum_k ((sim_k - obs_k) / scale_k)^2), summed in index
/// order. +infinity if any simulated summary is not finite (a failed simulation).
[[nodiscard]] double standardized_distance(const std::vector<double>& simulated,
                                           const std::vector<double>& observed,
                                           const std::vector<double>& scale);

/// The order statistic d_(ceil(alpha n)) of `distances`: the smallest value with at least a
/// fraction alpha of the distances at or below it. alpha in (0, 1]; distances non-empty.
[[nodiscard]] double tolerance_quantile(std::vector<double> distances, double alpha);

/// Kish's effective sample size 1 / sum w_i^2 of normalized weights.
[[nodiscard]] double effective_sample_size(const std::vector<double>& weights);

/// The weighted mean of particles stored row-major (n x dimension); weights sum to 1.
[[nodiscard]] Eigen::VectorXd weighted_mean(const std::vector<double>& particles,
                                            const std::vector<double>& weights, int dimension);

/// The weighted covariance sum_i w_i (x_i - m)(x_i - m)^T of row-major particles with
/// normalized weights (no small-sample correction: the kernel doubles it anyway).
[[nodiscard]] Eigen::MatrixXd weighted_covariance(const std::vector<double>& particles,
                                                  const std::vector<double>& weights,
                                                  int dimension);

/// The weighted p-quantile of `values`: the smallest value whose cumulative weight, in
/// increasing order of value, reaches p times the total (the inverse of the weighted
/// empirical CDF). p in [0, 1]; weights non-negative with a positive sum.
[[nodiscard]] double weighted_quantile(const std::vector<double>& values,
                                       const std::vector<double>& weights, double p);

/// The normalized importance weights of new particles proposed from the mixture
/// sum_j w_j N(theta_j, kernel_covariance) restricted to the prior's support (Beaumont et al.
/// 2009, algorithm step 2): w_i proportional to prior(theta_i) / sum_j w_j K(theta_i |
/// theta_j). The restriction's normalizing constant is the same for every particle (a
/// proposal outside the support redraws both the ancestor and the perturbation), so it
/// cancels. Computed in logs (log-sum-exp), summed in index order.
[[nodiscard]] std::vector<double> importance_weights(const std::vector<Prior>& priors,
                                                     const std::vector<double>& particles,
                                                     const std::vector<double>& previous,
                                                     const std::vector<double>& previous_weights,
                                                     const Eigen::MatrixXd& kernel_covariance);

/// The lower Cholesky factor of the perturbation kernel's covariance, twice the weighted
/// covariance of the previous population (Beaumont et al. 2009). A singular covariance (a
/// parameter on which every particle agrees) gets a ridge of (1e-9 prior width)^2.
[[nodiscard]] Eigen::MatrixXd kernel_cholesky(const std::vector<Prior>& priors,
                                              const std::vector<double>& particles,
                                              const std::vector<double>& weights);

// --- the sampler ---------------------------------------------------------------------------

/// The sampler's settings.
struct AbcConfig {
  int particles = 1000;     ///< population size N of every generation
  int batch_size = 256;     ///< proposals per batch handed to the caller
  double quantile = 0.5;    ///< alpha: next tolerance = alpha-quantile of accepted distances
  int max_generations = 20; ///< generations including generation 0
  /// Stop when a generation's acceptance rate (accepted / simulated) falls below this; a
  /// generation that can no longer reach it is abandoned early. 0 disables the rule.
  double min_acceptance_rate = 0.01;
  /// Stop after the generation run at this tolerance; tolerances are never set below it.
  std::optional<double> final_tolerance;
  std::uint64_t seed = 1;                 ///< key of the proposal streams
  int max_attempts_per_generation = 1000; ///< batches a generation may use before giving up
};

/// Why `config` cannot be used, or "" when it can.
[[nodiscard]] std::string validate(const AbcConfig& config);

/// What is calibrated: one prior per parameter, and the observed summaries with the scale
/// (a standard deviation) that standardizes each one in the distance.
struct AbcProblem {
  std::vector<Prior> priors;
  std::vector<double> observed;
  std::vector<double> observed_sd;
};

/// Why `problem` cannot be used, or "" when it can.
[[nodiscard]] std::string validate(const AbcProblem& problem);

/// Why the sampler stopped. The numbers are part of the state's file format.
enum class AbcStop : int {
  running = 0,            ///< not stopped
  max_generations = 1,    ///< max_generations generations are complete
  final_tolerance = 2,    ///< the last generation ran at final_tolerance
  acceptance_rate = 3,    ///< acceptance rate below min_acceptance_rate
  attempts_exhausted = 4, ///< a generation used max_attempts_per_generation batches
};

/// Everything the sampler knows, as plain numbers and row-major arrays, so that a caller can
/// write it to a file after any batch and restore it. Generations are numbered from 0;
/// `generation` is the one being built (after a stop, the one that would have been next or
/// the one abandoned).
struct AbcState {
  int dimension = 0;                      ///< parameters per particle
  int generation = 0;                     ///< the generation being built
  double tolerance = 0.0;                 ///< its tolerance (+infinity for generation 0)
  std::int64_t attempts = 0;              ///< batches of this generation handed back so far
  std::int64_t simulations = 0;           ///< proposals of this generation examined so far
  std::vector<double> accepted;           ///< accepted particles of this generation, row-major
  std::vector<double> accepted_distances; ///< their distances, in acceptance order

  /// The last complete generation: the current approximation of the posterior.
  std::vector<double> particles; ///< N x dimension, row-major
  std::vector<double> weights;   ///< N normalized importance weights
  std::vector<double> distances; ///< N distances

  /// One entry per complete generation.
  std::vector<double> history_tolerance;
  std::vector<double> history_acceptance_rate;   ///< accepted / examined proposals
  std::vector<double> history_ess;               ///< effective sample size of the weights
  std::vector<std::int64_t> history_simulations; ///< proposals examined

  AbcStop stop = AbcStop::running;
};

/// A fresh state for `problem`, at generation 0. Throws InputError (engine/errors.hpp) if
/// the config or the problem is not valid.
[[nodiscard]] AbcState start_abc(const AbcConfig& config, const AbcProblem& problem);

/// Why a (restored) `state` cannot continue under `config` and `problem`, or "" when it can:
/// array sizes that disagree with the dimension and population size, an unknown stop code,
/// weights that are not positive and normalized.
[[nodiscard]] std::string validate_state(const AbcConfig& config, const AbcProblem& problem,
                                         const AbcState& state);

/// True once the sampler has stopped.
[[nodiscard]] bool finished(const AbcState& state) noexcept;

/// The next batch of `config.batch_size` parameter vectors to simulate: batch number
/// `state.attempts` of generation `state.generation`. Slot s of a batch depends only on
/// (seed, generation, batch, s) and the previous population. Every vector lies in the
/// prior's box. Throws std::logic_error if the sampler has stopped.
[[nodiscard]] std::vector<std::vector<double>>
next_batch(const AbcConfig& config, const AbcProblem& problem, const AbcState& state);

/// Hands back the summaries of the batch `next_batch` gave for this state (the proposals are
/// regenerated, not trusted from the caller), in slot order. Accepts proposals within the
/// tolerance in slot order until the population is full; completing a generation computes
/// its weights, records its history, sets the next tolerance and checks the stopping rules.
/// Throws std::invalid_argument if the summaries do not match the batch's shape.
void submit_batch(const AbcConfig& config, const AbcProblem& problem, AbcState& state,
                  const std::vector<std::vector<double>>& summaries);

/// Posterior summaries of the last complete generation.
struct AbcPosterior {
  Eigen::VectorXd mean;
  Eigen::VectorXd q025;   ///< weighted 2.5% quantile per parameter
  Eigen::VectorXd median; ///< weighted 50% quantile
  Eigen::VectorXd q975;   ///< weighted 97.5% quantile
  Eigen::MatrixXd covariance;
  double ess = 0.0;       ///< effective sample size
  double tolerance = 0.0; ///< the generation's tolerance
  int generation = 0;     ///< its number
};

/// The weighted summaries of the last complete generation. Throws std::logic_error if no
/// generation is complete.
[[nodiscard]] AbcPosterior summarize(const AbcState& state);

} // namespace minesim::calibration
