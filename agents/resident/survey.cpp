#include "agents/resident/survey.hpp"

#include "engine/stats.hpp"

#include <algorithm>
#include <cmath>
#include <span>
#include <stdexcept>
#include <utility>

namespace minesim {
namespace {

/// Respondents: the `size` households with the smallest random keys (ties by id), in id
/// order. A key per household rather than a shuffle keeps the draw a pure function of
/// (seed, step, household).
std::vector<std::int64_t> sample_households(std::size_t households, std::size_t size,
                                            std::uint64_t seed, std::int64_t step,
                                            StreamId stream) {
  std::vector<std::pair<std::uint64_t, std::int64_t>> keys(households);
  const auto counter_step = static_cast<std::uint64_t>(step);
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < households; ++i)
    keys[i] = {CounterRng(seed, stream, counter_step, i).bits(0), static_cast<std::int64_t>(i)};
  const auto middle = keys.begin() + static_cast<std::ptrdiff_t>(size);
  std::partial_sort(keys.begin(), middle, keys.end());
  std::vector<std::int64_t> ids;
  ids.reserve(size);
  for (auto it = keys.begin(); it != middle; ++it)
    ids.push_back(it->second);
  std::sort(ids.begin(), ids.end());
  return ids;
}

void validate(const SurveyParams& p, const std::array<std::vector<double>, latent_count>& latents) {
  if (p.sample_size < 1) throw std::invalid_argument("survey: sample_size must be at least 1");
  if (p.items_per_construct < 1) {
    throw std::invalid_argument("survey: items_per_construct must be at least 1");
  }
  if (!(p.loading >= 0.0 && p.loading <= 1.0)) {
    throw std::invalid_argument("survey: loading must lie in [0, 1]");
  }
  if (p.bootstrap_resamples < 0) {
    throw std::invalid_argument("survey: bootstrap_resamples must not be negative");
  }
  if (!(p.interval_level > 0.0 && p.interval_level < 1.0)) {
    throw std::invalid_argument("survey: interval_level must lie in (0, 1)");
  }
  for (const auto& column : latents) {
    if (column.size() != latents[0].size()) {
      throw std::invalid_argument("survey: latent columns differ in length");
    }
  }
}

/// a * b of the indirect effect P -> C -> S from construct scores: structural_paths'
/// paths[path_C_P] * paths[path_S_C], computed alike, without its other two regressions.
double indirect_effect(const Eigen::MatrixXd& scores) {
  const auto col = [&](Latent x) { return scores.col(static_cast<Eigen::Index>(x)); };
  const double a = standardized_ols(col(latent_C), col(latent_P))(0);
  Eigen::MatrixXd predictors(scores.rows(), 3);
  predictors << col(latent_C), col(latent_P), col(latent_R);
  return a * standardized_ols(col(latent_S), predictors)(0);
}

} // namespace

bool is_survey_step(const SurveyParams& params, std::int64_t step, std::int64_t last_step) {
  if (params.steps.empty()) return step == last_step;
  return std::any_of(params.steps.begin(), params.steps.end(),
                     [&](std::int64_t s) { return s == step || (s == -1 && step == last_step); });
}

Eigen::MatrixXd construct_scores(const LikertMatrix& items, std::int64_t items_per_construct) {
  const Eigen::Index k = items_per_construct;
  Eigen::MatrixXd scores(items.rows(), static_cast<Eigen::Index>(latent_count));
  for (Eigen::Index c = 0; c < static_cast<Eigen::Index>(latent_count); ++c) {
    scores.col(c) = items.middleCols(c * k, k).cast<double>().rowwise().mean();
  }
  return scores;
}

SurveyPaths structural_paths(const Eigen::MatrixXd& scores) {
  const auto col = [&](Latent x) { return scores.col(static_cast<Eigen::Index>(x)); };
  SurveyPaths paths{};
  paths[path_P_E] = standardized_ols(col(latent_P), col(latent_E))(0);
  paths[path_C_P] = standardized_ols(col(latent_C), col(latent_P))(0);
  paths[path_R_C] = standardized_ols(col(latent_R), col(latent_C))(0);
  Eigen::MatrixXd predictors(scores.rows(), 3);
  predictors << col(latent_C), col(latent_P), col(latent_R);
  const Eigen::VectorXd s = standardized_ols(col(latent_S), predictors);
  paths[path_S_C] = s(0);
  paths[path_S_P] = s(1);
  paths[path_S_R] = s(2);
  return paths;
}

SurveyResult run_survey(const SurveyParams& params,
                        const std::array<std::vector<double>, latent_count>& latents,
                        std::uint64_t seed, std::int64_t step, const SurveyStreams& streams) {
  validate(params, latents);
  const std::size_t households = latents[0].size();
  const std::size_t size = std::min(households, static_cast<std::size_t>(params.sample_size));
  const auto k = static_cast<std::size_t>(params.items_per_construct);
  const std::size_t item_count = k * latent_count;

  SurveyResult r;
  r.step = step;
  r.bootstrap_resamples = params.bootstrap_resamples;
  r.interval_level = params.interval_level;
  r.household_ids = sample_households(households, size, seed, step, streams.sample);
  for (std::size_t c = 0; c < latent_count; ++c)
    for (std::size_t j = 0; j < k; ++j)
      r.item_names.push_back(std::string(latent_names[c]) + std::to_string(j + 1));

  const auto n = static_cast<Eigen::Index>(size);
  r.items.resize(n, static_cast<Eigen::Index>(item_count));
  const auto counter_step = static_cast<std::uint64_t>(step);
#pragma omp parallel for schedule(static)
  for (Eigen::Index row = 0; row < n; ++row) {
    const auto id = static_cast<std::uint64_t>(r.household_ids[static_cast<std::size_t>(row)]);
    const CounterRng rng(seed, streams.items, counter_step, id);
    for (std::size_t item = 0; item < item_count; ++item) {
      const double x = latents[item / k][id];
      const double u = rng.uniform(item);
      const double answer =
          1.0 + std::round(4.0 * clip01(params.loading * x + (1.0 - params.loading) * u));
      r.items(row, static_cast<Eigen::Index>(item)) = static_cast<std::int64_t>(answer);
    }
  }

  const Eigen::MatrixXd answers = r.items.cast<double>();
  const Eigen::MatrixXd correlation = correlation_matrix(answers);
  r.alpha = cronbach_alpha(answers);
  for (std::size_t c = 0; c < latent_count; ++c) {
    r.alpha_by_construct[c] = cronbach_alpha(
        answers.middleCols(static_cast<Eigen::Index>(c * k), static_cast<Eigen::Index>(k)));
  }
  r.kmo = kmo_from_correlation(correlation);
  r.bartlett = bartlett_from_correlation(correlation, n);

  const Eigen::MatrixXd scores = construct_scores(r.items, params.items_per_construct);
  r.paths = structural_paths(scores);
  r.indirect_effect = r.paths[path_C_P] * r.paths[path_S_C];

  const ResampleBlock blocks = [&](std::uint64_t resample, std::uint64_t b) {
    return CounterRng(seed, streams.bootstrap, counter_step, resample).block(b);
  };
  const ResampleStatistic statistic = [&](std::span<const Eigen::Index> rows) {
    const std::vector<Eigen::Index> index(rows.begin(), rows.end());
    return indirect_effect(scores(index, Eigen::all));
  };
  const Interval ci = bootstrap_percentile_interval(n, params.bootstrap_resamples,
                                                    params.interval_level, blocks, statistic);
  r.indirect_ci_low = ci.low;
  r.indirect_ci_high = ci.high;
  return r;
}

SurveyOutput to_output(const SurveyResult& r) {
  SurveyOutput out;
  out.step = r.step;
  out.attributes["sample_size"] = static_cast<std::int64_t>(r.household_ids.size());
  out.attributes["items_per_construct"] =
      r.item_names.empty() ? 0 : static_cast<std::int64_t>(r.item_names.size() / latent_count);
  out.attributes["bootstrap_resamples"] = r.bootstrap_resamples;

  const std::string level = std::to_string(static_cast<int>(std::lround(r.interval_level * 100)));
  out.scalars = {
      {"alpha", "1", "Cronbach's alpha of all items.", r.alpha},
      {"kmo", "1", "Kaiser-Meyer-Olkin measure of sampling adequacy of all items.", r.kmo},
      {"bartlett_statistic", "1", "Bartlett's sphericity chi-square statistic of all items.",
       r.bartlett.statistic},
      {"bartlett_df", "1", "Degrees of freedom of Bartlett's test: p (p - 1) / 2 for p items.",
       r.bartlett.df},
      {"bartlett_p", "1",
       "p-value of Bartlett's test (H0: the correlation matrix is the identity).", r.bartlett.p},
      {"indirect_effect", "1",
       "Standardized indirect effect P -> C -> S: a (C~P) times b (C in S ~ C + P + R).",
       r.indirect_effect},
      {"indirect_ci_low", "1",
       "Lower bound of the " + level + "% bootstrap percentile interval of the indirect effect.",
       r.indirect_ci_low},
      {"indirect_ci_high", "1",
       "Upper bound of the " + level + "% bootstrap percentile interval of the indirect effect.",
       r.indirect_ci_high},
      {"interval_level", "1", "Coverage of the bootstrap interval of the indirect effect.",
       r.interval_level},
  };

  std::vector<std::string> constructs(latent_names.begin(), latent_names.end());
  std::vector<std::string> paths(survey_path_names.begin(), survey_path_names.end());
  out.vectors = {
      {"alpha_by_construct", "1",
       "Cronbach's alpha of each construct's items; the attribute names labels the constructs.",
       std::vector<double>(r.alpha_by_construct.begin(), r.alpha_by_construct.end()),
       std::move(constructs)},
      {"paths", "1",
       "Standardized path coefficients on construct scores (item means), named "
       "outcome~predictor: P~E, C~P, R~C from simple regressions, S~C, S~P, S~R from S ~ C + P "
       "+ R.",
       std::vector<double>(r.paths.begin(), r.paths.end()), std::move(paths)},
  };

  out.household_ids = r.household_ids;
  out.item_names = r.item_names;
  out.items.assign(r.items.data(), r.items.data() + r.items.size()); // row-major already
  out.items_units = "1";
  out.items_description = "Likert answers 1 to 5 [respondent, item]; the attribute names labels "
                          "the items (construct letter and item number).";
  return out;
}

} // namespace minesim
