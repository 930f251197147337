// Perceptions and social influence: the module's parameter rows (scenarios/PARAMETERS.md).
#include "model/parameter_rows.hpp"

namespace minesim {
namespace {

/// A row for one entry of the influence weights mu (one per latent).
ParameterBinding influence_weight(std::size_t latent, Doc doc) {
  ParameterBinding row;
  row.spec.key = std::string("influence.mu_") + latent_names[latent];
  row.spec.type = ValueType::real;
  row.spec.default_value = Value{InfluenceParams{}.mu[latent]};
  row.spec.min = 0.0;
  row.spec.max = 1.0;
  row.spec.unit = std::move(doc.unit);
  row.spec.meaning = std::move(doc.meaning);
  row.spec.source = std::move(doc.source);
  row.set = [latent](Parameters& p, const Value& v) {
    p.influence.mu[latent] = std::holds_alternative<double>(v)
                                 ? std::get<double>(v)
                                 : static_cast<double>(std::get<std::int64_t>(v));
  };
  row.get = [latent](const Parameters& p) { return Value{p.influence.mu[latent]}; };
  return row;
}

constexpr std::array<const char*, 2> influence_kind_names{"degroot", "bounded_confidence"};

ParameterBinding influence_kind() {
  ParameterBinding row;
  row.spec.key = "influence.kind";
  row.spec.type = ValueType::string;
  row.spec.default_value =
      Value{std::string(influence_kind_names[static_cast<std::size_t>(InfluenceParams{}.kind)])};
  row.spec.choices = {influence_kind_names.begin(), influence_kind_names.end()};
  row.spec.unit = "1";
  row.spec.meaning = "social influence rule: DeGroot averaging or Hegselmann-Krause bounded "
                     "confidence";
  row.spec.source = "docs/odd.md §3.9";
  row.set = [](Parameters& p, const Value& v) {
    p.influence.kind = std::get<std::string>(v) == "degroot" ? InfluenceKind::degroot
                                                             : InfluenceKind::bounded_confidence;
  };
  row.get = [](const Parameters& p) {
    return Value{std::string(influence_kind_names[static_cast<std::size_t>(p.influence.kind)])};
  };
  return row;
}

} // namespace

std::vector<ParameterBinding> perceptions_parameter_rows() {
  using P = Parameters;
  using namespace parameter_sources;
  std::vector<ParameterBinding> t;
  auto coef = [&](std::string key, double PerceptionParams::*member, std::string meaning) {
    t.push_back(field("perception." + key, &P::perception, member, -100, 100,
                      {"logit", std::move(meaning), m46}));
  };
  // [influence]
  t.push_back(influence_kind());
  t.push_back(field("influence.epsilon", &P::influence, &InfluenceParams::epsilon, 0, 1,
                    {"1", "confidence bound of the bounded-confidence rule", m46}));
  for (std::size_t x = 0; x < latent_count; ++x) {
    t.push_back(
        influence_weight(x, {"1",
                             std::string("weight of neighbours' opinion on ") + latent_names[x] +
                                 " per month (with bounded confidence, of the mean within epsilon)",
                             m46}));
  }
  // [perception]
  t.push_back(field("perception.adjustment_rate", &P::perception,
                    &PerceptionParams::adjustment_rate, 0, 1,
                    {"1/month", "alpha: share of the gap to the target closed each month", m46}));
  coef("E_intercept", &PerceptionParams::E_intercept, "economic perception E: intercept");
  coef("E_income_growth", &PerceptionParams::E_income_growth, "E: 12-month log income growth");
  coef("E_employed_in_mining", &PerceptionParams::E_employed_in_mining, "E: employed in mining");
  coef("E_mining_intensity", &PerceptionParams::E_mining_intensity,
       "E: village mining intensity (exposure-weighted output / 100 kt)");
  coef("P_intercept", &PerceptionParams::P_intercept, "ecological perception P: intercept");
  coef("P_air_quality", &PerceptionParams::P_air_quality, "P: village air quality");
  coef("P_water_quality", &PerceptionParams::P_water_quality, "P: village water quality");
  coef("P_vegetation", &PerceptionParams::P_vegetation, "P: village vegetation cover");
  coef("P_economic_perception", &PerceptionParams::P_economic_perception,
       "P: economic perception E (mining development lowers P)");
  coef("C_intercept", &PerceptionParams::C_intercept, "compensation satisfaction C: intercept");
  coef("C_ecological_perception", &PerceptionParams::C_ecological_perception, "C: P");
  coef("C_compensation_value", &PerceptionParams::C_compensation_value,
       "C: prospect value of received vs expected compensation");
  coef("C_employment_security", &PerceptionParams::C_employment_security,
       "C: employment security of the household's sector");
  coef("C_fairness", &PerceptionParams::C_fairness,
       "C: prospect value of fairness relative to neighbours");
  coef("R_intercept", &PerceptionParams::R_intercept, "restoration expectation R: intercept");
  coef("R_compensation_satisfaction", &PerceptionParams::R_compensation_satisfaction, "R: C");
  coef("R_informed", &PerceptionParams::R_informed, "R: information level");
  coef("R_participating_neighbours", &PerceptionParams::R_participating_neighbours,
       "R: share of neighbours participating");
  coef("S_intercept", &PerceptionParams::S_intercept, "life satisfaction S: intercept");
  coef("S_compensation_satisfaction", &PerceptionParams::S_compensation_satisfaction, "S: C");
  coef("S_restoration_expectation", &PerceptionParams::S_restoration_expectation, "S: R");
  coef("S_ecological_perception", &PerceptionParams::S_ecological_perception, "S: P");
  coef("S_relative_income", &PerceptionParams::S_relative_income,
       "S: log income relative to the village median");
  t.push_back(field("perception.prospect_exponent", &P::perception,
                    &PerceptionParams::prospect_exponent, 0.01, 1,
                    {"1", "prospect-theory curvature a", "Tversky and Kahneman (1992); " + m46}));
  t.push_back(
      field("perception.loss_aversion", &P::perception, &PerceptionParams::loss_aversion, 1, 10,
            {"1", "prospect-theory loss aversion lambda", "Tversky and Kahneman (1992); " + m46}));
  t.push_back(field("perception.security_green", &P::perception, &PerceptionParams::security_green,
                    0, 1, {"1", "employment security of green jobs", m46}));
  t.push_back(field("perception.security_mining", &P::perception,
                    &PerceptionParams::security_mining, 0, 1,
                    {"1", "employment security of mining jobs", m46}));
  t.push_back(field("perception.security_agriculture", &P::perception,
                    &PerceptionParams::security_agriculture, 0, 1,
                    {"1", "employment security of farming", m46}));
  t.push_back(field("perception.security_unemployed", &P::perception,
                    &PerceptionParams::security_unemployed, 0, 1,
                    {"1", "employment security of the unemployed", m46}));
  return t;
}

} // namespace minesim
