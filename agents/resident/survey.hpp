#pragma once
// The virtual survey (docs/odd.md §3.13): at chosen steps a sample of households answers
// Likert items generated from their latent perceptions, and the survey is analysed as the
// source analysed its 2,032 questionnaires (reliability, sampling adequacy, sphericity, the
// structural paths and a bootstrap interval of the indirect effect P -> C -> S).
#include "agents/resident/household.hpp"
#include "engine/random.hpp"
#include "engine/record.hpp"
#include "engine/survey_statistics.hpp"

#include <Eigen/Core>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace minesim {

/// [survey] parameters.
struct SurveyParams {
  /// Steps at which the survey is taken; empty means the last step, and -1 in the list
  /// also stands for the last step.
  std::vector<std::int64_t> steps;
  std::int64_t sample_size = 2032;      ///< households asked (all when fewer exist)
  std::int64_t items_per_construct = 4; ///< Likert items per latent
  double loading =
      0.9; ///< weight of the latent in an answer (docs/odd.md: 0.8; see the dictionary)
  std::int64_t bootstrap_resamples = 1000; ///< for the interval of the indirect effect
  double interval_level = 0.95;            ///< coverage of that percentile interval
};

/// Random streams of the survey: `sample` keys the choice of respondents, `items` the answer noise,
/// `bootstrap` the resampling. Each is keyed by (seed, stream, step, household or resample).
struct SurveyStreams {
  StreamId sample = numbered_stream(19, "survey_sample");
  StreamId items = numbered_stream(20, "survey_items");
  StreamId bootstrap = numbered_stream(21, "survey_bootstrap");
};

/// Standardized path coefficients of the structural chain, each named "outcome~predictor".
enum SurveyPath : std::size_t {
  path_P_E = 0, ///< P ~ E
  path_C_P,     ///< C ~ P (a of the indirect effect)
  path_R_C,     ///< R ~ C
  path_S_C,     ///< S ~ C + P + R: C (b of the indirect effect)
  path_S_P,     ///< S ~ C + P + R: P
  path_S_R,     ///< S ~ C + P + R: R
  path_count
};
inline constexpr std::array<const char*, path_count> survey_path_names{"P~E", "C~P", "R~C",
                                                                       "S~C", "S~P", "S~R"};
using SurveyPaths = std::array<double, path_count>;

/// Likert answers: one row per respondent, one column per item (construct-major: E1..Ek,
/// P1..Pk, ...).
using LikertMatrix = Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Everything one survey reports.
struct SurveyResult {
  std::int64_t step = 0;
  std::vector<std::int64_t> household_ids; ///< respondents, ascending
  LikertMatrix items;                      ///< answers 1 to 5
  std::vector<std::string> item_names;     ///< "E1", ..., "S4"
  double alpha = 0.0;                      ///< Cronbach's alpha of all items
  std::array<double, latent_count> alpha_by_construct{};
  double kmo = 0.0;
  Bartlett bartlett;
  SurveyPaths paths{};
  double indirect_effect = 0.0; ///< a * b = paths[C~P] * paths[S~C]
  double indirect_ci_low = 0.0; ///< bootstrap percentile interval of a * b
  double indirect_ci_high = 0.0;
  std::int64_t bootstrap_resamples = 0;
  double interval_level = 0.0;
};

/// Whether the survey is taken at `step` of a run of `last_step` steps.
[[nodiscard]] bool is_survey_step(const SurveyParams& params, std::int64_t step,
                                  std::int64_t last_step);

/// Take and analyse the survey at `step`. `latents[X][i]` is latent X of household i (all
/// households, the state at the end of the step). Respondents are the sample_size
/// households with the smallest keys CounterRng(seed, streams.sample, step, i).bits(0)
/// (ties by id), in id order. Respondent i answers item j (construct j / k, k items per
/// construct) with 1 + round(4 * clip01(loading * X + (1 - loading) * u)), u =
/// CounterRng(seed, streams.items, step, i).uniform(j). Construct scores are item means;
/// the paths are standardized regressions on them; bootstrap resample r draws its rows
/// from CounterRng(seed, streams.bootstrap, step, r). Throws std::invalid_argument on
/// parameters out of range or latent columns of different lengths.
[[nodiscard]] SurveyResult run_survey(const SurveyParams& params,
                                      const std::array<std::vector<double>, latent_count>& latents,
                                      std::uint64_t seed, std::int64_t step,
                                      const SurveyStreams& streams);

/// The structural paths of construct scores (n x 5, columns E, P, C, R, S).
[[nodiscard]] SurveyPaths structural_paths(const Eigen::MatrixXd& scores);

/// Construct scores: the mean of each construct's items (n x 5).
[[nodiscard]] Eigen::MatrixXd construct_scores(const LikertMatrix& items,
                                               std::int64_t items_per_construct);

/// The survey as the run file stores it under /survey/step_NNNN.
[[nodiscard]] SurveyOutput to_output(const SurveyResult& result);

} // namespace minesim
