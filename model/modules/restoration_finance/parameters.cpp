// Restoration finance: the module's parameter rows (scenarios/PARAMETERS.md).
#include "model/parameter_rows.hpp"

namespace minesim {
std::vector<ParameterBinding> restoration_finance_parameter_rows() {
  using P = Parameters;
  using namespace parameter_sources;
  std::vector<ParameterBinding> t;
  t.push_back(
      field("enterprises.deposit_years", &P::enterprises, &EnterpriseParams::deposit_years, 0, 100,
            {"year", "restoration deposit in years of planned restoration cost", m24}, false));
  t.push_back(field("enterprises.backlog_share_per_year", &P::enterprises,
                    &EnterpriseParams::backlog_share_per_year, 0, 1,
                    {"1/year", "share of the backlog a complying owner restores a year", m24}));
  t.push_back(field("enterprises.shirk_effort", &P::enterprises, &EnterpriseParams::shirk_effort, 0,
                    1, {"1", "share of a complier's restoration that a shirker does", m24}));
  t.push_back(field("enterprises.restoration_duty", &P::enterprises,
                    &EnterpriseParams::restoration_duty, 0, 1,
                    {"1", "false: no legal duty to restore, every enterprise shirks", chosen}));
  // [government]
  t.push_back(
      field("government.county_budget_yuan_per_year", &P::government,
            &GovernmentParams::county_budget_yuan_per_year, 0, 1e12,
            {"yuan/year", "budget of each county, refilled yearly; unspent funds lapse", m25}));
  t.push_back(field("government.fiscal_coverage", &P::government,
                    &GovernmentParams::fiscal_coverage, 0, 1,
                    {"1",
                     "share of the yearly legacy restoration need the higher government "
                     "funds (\"fiscal funds cover under 30%\")",
                     m43}));
  t.push_back(field("government.legacy_plan_years", &P::government,
                    &GovernmentParams::legacy_plan_years, 1, 200,
                    {"year", "legacy restoration is planned over this many years", m43}));
  t.push_back(field("government.county_restoration_share", &P::government,
                    &GovernmentParams::county_restoration_share, 0, 1,
                    {"1",
                     "most of its yearly budget a county spends co-funding the legacy mines of "
                     "its strip over the next year, out of what the year's compensation left",
                     m25}));
  // [restoration]
  t.push_back(field("restoration.cost_active_yuan_per_ha", &P::restoration,
                    &RestorationParams::cost_active_yuan_per_ha, 0, 1e8,
                    {"yuan/ha",
                     "restoration cost of active and closed mines (published "
                     "105,000-120,000)",
                     m43}));
  t.push_back(
      field("restoration.cost_legacy_yuan_per_ha", &P::restoration,
            &RestorationParams::cost_legacy_yuan_per_ha, 0, 1e8,
            {"yuan/ha", "restoration cost of legacy mines (published 150,000-570,000)", m43}));
  t.push_back(field("restoration.learning_exponent", &P::restoration,
                    &RestorationParams::learning_exponent, 0, 2,
                    {"1", "cost falls as ((restored + 100) / 100)^-exponent", m42}));
  t.push_back(
      field("restoration.labour_cost_reduction", &P::restoration,
            &RestorationParams::labour_cost_reduction, 0, 1,
            {"1", "cost reduction per unit participating share of affected households", m43}));
  t.push_back(field("restoration.establishment_lag_months", &P::restoration,
                    &RestorationParams::establishment_lag_months, 1, 600,
                    {"month", "from the start of restoration work to established land", m22},
                    false));
  t.push_back(field("restoration.establishment_success", &P::restoration,
                    &RestorationParams::establishment_success, 0, 1,
                    {"1",
                     "chance that a restoring cohort establishes (else it is damaged "
                     "again)",
                     m22}));
  t.push_back(
      field("restoration.sequestration_t_co2_per_ha_year", &P::restoration,
            &RestorationParams::sequestration_t_co2_per_ha_year, 0, 1000,
            {"t CO2/ha/year", "carbon sink of established land (published 1.4-20.8)", m43}));
  t.push_back(field("restoration.green_conversion_share", &P::restoration,
                    &RestorationParams::green_conversion_share, 0, 1,
                    {"1",
                     "share of established land turned to eco-agriculture, tourism or "
                     "energy",
                     m42}));
  // [market]
  t.push_back(field("market.carbon_enabled", &P::market, &MarketParams::carbon_enabled, 0, 1,
                    {"1", "carbon credits for sequestration are sold", m43}));
  t.push_back(
      field("market.carbon_price_yuan_per_t", &P::market, &MarketParams::carbon_price_yuan_per_t, 0,
            1e6, {"yuan/t CO2", "credit price (relaunched offset market; allowances ~97)", m43}));
  t.push_back(field(
      "market.carbon_learning_boost", &P::market, &MarketParams::carbon_learning_boost, 0, 100,
      {"1", "extra learning from carbon trading: restored area counts (1 + boost)", m42}));
  t.push_back(field("market.ppp_hurdle_rate", &P::market, &MarketParams::ppp_hurdle_rate, 0, 10,
                    {"1/year",
                     "social capital funds legacy restoration when the yield beats "
                     "this",
                     m43}));
  t.push_back(field("market.ppp_capacity_yuan_per_year", &P::market,
                    &MarketParams::ppp_capacity_yuan_per_year, 0, 1e12,
                    {"yuan/year", "most social capital invests in a year", m43}));
  t.push_back(field("market.bonds_enabled", &P::market, &MarketParams::bonds_enabled, 0, 1,
                    {"1", "restoration income bonds finance part of PPP projects", m43}));
  t.push_back(field("market.bond_share", &P::market, &MarketParams::bond_share, 0, 0.99,
                    {"1", "share of PPP cost financed by bonds", m43}));
  t.push_back(field("market.bond_rate", &P::market, &MarketParams::bond_rate, 0, 1,
                    {"1/year", "bond interest rate", m43}));
  t.push_back(field("market.bond_term_years", &P::market, &MarketParams::bond_term_years, 1, 100,
                    {"year", "bonds are repaid as a level annuity over this term", chosen}, false));
  return t;
}

} // namespace minesim
