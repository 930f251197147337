// Compensation: the module's parameter rows (scenarios/PARAMETERS.md).
#include "model/parameter_rows.hpp"

namespace minesim {
namespace {

/// A row for a compensation-model key (a string naming one of the five models).
ParameterBinding compensation_model(std::string key, CompensationModel NegotiationParams::*member,
                                    std::string meaning) {
  ParameterBinding row;
  row.spec.key = std::move(key);
  row.spec.type = ValueType::string;
  row.spec.default_value = Value{
      std::string(compensation_model_names[static_cast<std::size_t>(NegotiationParams{}.*member)])};
  row.spec.choices = {compensation_model_names.begin(), compensation_model_names.end()};
  row.spec.unit = "1";
  row.spec.meaning = std::move(meaning);
  row.spec.source = "docs/odd.md §3.7";
  row.set = [member](Parameters& p, const Value& v) {
    const auto& name = std::get<std::string>(v);
    for (std::size_t k = 0; k < compensation_model_names.size(); ++k)
      if (name == compensation_model_names[k])
        p.negotiation.*member = static_cast<CompensationModel>(k);
  };
  row.get = [member](const Parameters& p) {
    return Value{
        std::string(compensation_model_names[static_cast<std::size_t>(p.negotiation.*member)])};
  };
  return row;
}

} // namespace

std::vector<ParameterBinding> compensation_parameter_rows() {
  using P = Parameters;
  using namespace parameter_sources;
  std::vector<ParameterBinding> t;
  const auto neg = [&](std::string key, double NegotiationParams::*member, double lo, double hi,
                       std::string unit, std::string meaning) {
    t.push_back(field_in("compensation", key, &P::negotiation, member, lo, hi,
                         {std::move(unit), std::move(meaning), m44}));
  };
  // [compensation]: the official fee
  t.push_back(field("compensation.equivalent_value_yuan_per_ha", &P::compensation,
                    &FeeParams::equivalent_value_yuan_per_ha, 0, 1e7,
                    {"yuan/ha/year", "value of one ESV equivalent factor", m44}));
  t.push_back(field("compensation.equivalents_cropland", &P::compensation,
                    &FeeParams::equivalents_cropland, 0, 1000,
                    {"1", "ESV equivalents of cropland (before damage)", m44}));
  t.push_back(field("compensation.equivalents_mining_land", &P::compensation,
                    &FeeParams::equivalents_mining_land, 0, 1000,
                    {"1", "ESV equivalents of mining land (after damage)", m44}));
  t.push_back(field("compensation.discount_rate", &P::compensation, &FeeParams::discount_rate, 0, 1,
                    {"1/year", "discount rate r of the lump-sum present value", m44}));
  t.push_back(field("compensation.period_years", &P::compensation, &FeeParams::period_years, 1, 200,
                    {"year", "period T of the compensation", m44}));
  t.push_back(compensation_model("compensation.model", &NegotiationParams::model,
                                 "compensation model of active and closed mines' damage"));
  t.push_back(compensation_model("compensation.legacy_model", &NegotiationParams::legacy_model,
                                 "compensation model of legacy mines' damage (models whose payer "
                                 "is an enterprise fall back to state_funded)"));
  neg("joint_enterprise_share", &NegotiationParams::joint_enterprise_share, 0, 1, "1",
      "the enterprise's share of payments in the joint model");
  neg("gov_trust_gain", &NegotiationParams::gov_trust_gain, 0, 1, "1",
      "a government organizer closes this share of the information asymmetry in demands");
  neg("in_kind_share", &NegotiationParams::in_kind_share, 0, 1, "1",
      "investment promotion: share paid as a green job placement (cash when no vacancy)");
  neg("payer_reluctance", &NegotiationParams::payer_reluctance, 0, 100, "1",
      "exponent of the payer's concession path from its opening offer to its cap (k / K)^x: "
      "above 1 the payer concedes late");
  neg("resident_concession", &NegotiationParams::resident_concession, 0, 0.2, "1/round",
      "demands fall by this share each round");
  neg("comparison_weight", &NegotiationParams::comparison_weight, 0, 10, "1",
      "weight of neighbours' better deals (received / official above 1) in demands");
  neg("asymmetry_inflation", &NegotiationParams::asymmetry_inflation, 0, 10, "1",
      "demand inflation per unit of information asymmetry");
  neg("willingness_cap_enterprise", &NegotiationParams::willingness_cap_enterprise, 1, 100, "1",
      "most an enterprise offers, times the official value");
  neg("willingness_cap_government", &NegotiationParams::willingness_cap_government, 1, 100, "1",
      "most a government or social capital offers, times the official value");
  t.push_back(field("compensation.rounds", &P::negotiation, &NegotiationParams::rounds, 1, 100,
                    {"round", "rounds of a negotiation (k = 0 .. K, K = rounds - 1)", m44}));
  t.push_back(field("compensation.months_per_round", &P::negotiation,
                    &NegotiationParams::months_per_round, 0, 120,
                    {"month",
                     "months between rounds for every model; 0 keeps each model's own pace "
                     "(1 enterprise direct, 2 government organized, 3 state funded)",
                     m44}));
  const auto months = [&](std::string key, std::int64_t NegotiationParams::*member,
                          std::string meaning) {
    t.push_back(field_in("compensation", key, &P::negotiation, member, 0, 1200,
                         {"month", std::move(meaning), m44}));
  };
  months("filing_delay_months", &NegotiationParams::filing_delay_months,
         "a claim opens when its oldest uncompensated damage is this old");
  months("claim_interval_months", &NegotiationParams::claim_interval_months,
         "a claim reopens no sooner than this after its last agreement");
  months("dispute_cooldown_months", &NegotiationParams::dispute_cooldown_months,
         "a disputed claim reopens no sooner than this after the dispute (every model)");
  neg("development_right_share", &NegotiationParams::development_right_share, 0, 1, "1",
      "share of a mine's green income paid as dividends to its claimants");
  neg("state_budget_yuan_per_year", &NegotiationParams::state_budget_yuan_per_year, 0, 1e12,
      "yuan/year", "higher government's compensation budget (annuities may overdraw it)");
  neg("social_capital_budget_yuan_per_year",
      &NegotiationParams::social_capital_budget_yuan_per_year, 0, 1e12, "yuan/year",
      "funds social capital brings to investment-promotion compensation");
  neg("pressure_generosity_gain", &NegotiationParams::pressure_generosity_gain, 0, 1, "1",
      "generosity gained per 100 petition-months of stability pressure, yearly");
  neg("initial_generosity", &NegotiationParams::initial_generosity, 0, 10, "1",
      "generosity of enterprises and local governments at the start");
  // [policy]
  t.push_back(field("policy.adaptive_compensation", &P::policy,
                    &PolicyParams::adaptive_compensation, 0, 1,
                    {"1",
                     "a county whose villages' mean negotiation index is low raises "
                     "generosity yearly",
                     m44}));
  t.push_back(field("policy.ni_threshold", &P::policy, &PolicyParams::ni_threshold, 0, 1,
                    {"1", "negotiation index below which generosity is raised", m44}));
  t.push_back(field("policy.ni_adjustment", &P::policy, &PolicyParams::ni_adjustment, 0, 1,
                    {"1", "generosity raise per year under the adaptive policy", m44}));
  return t;
}

} // namespace minesim
