// Economy and jobs: the module's parameter rows (scenarios/PARAMETERS.md).
#include "model/parameter_rows.hpp"

namespace minesim {
std::vector<ParameterBinding> economy_parameter_rows() {
  using P = Parameters;
  using namespace parameter_sources;
  std::vector<ParameterBinding> t;

  t.push_back(field("enterprises.price_yuan_per_t", &P::enterprises,
                    &EnterpriseParams::price_yuan_per_t, 0, 1e6, {"yuan/t", "ore price", m24}));
  t.push_back(field("enterprises.operating_cost_yuan_per_t", &P::enterprises,
                    &EnterpriseParams::operating_cost_yuan_per_t, 0, 1e6,
                    {"yuan/t", "operating cost per tonne (wages and restoration apart)", m24}));
  t.push_back(field("enterprises.initial_cash_months", &P::enterprises,
                    &EnterpriseParams::initial_cash_months, 0, 1200,
                    {"month", "starting cash in months of revenue", m24}, false));
  t.push_back(field("enterprises.cash_reserve_months", &P::enterprises,
                    &EnterpriseParams::cash_reserve_months, 0, 1200,
                    {"month",
                     "at each year end, cash above this many months of current operating cost "
                     "(active mines) is paid to the owners outside the region",
                     m24}));
  t.push_back(field("enterprises.overdraft_rate_A", &P::enterprises,
                    &EnterpriseParams::overdraft_rate_A, 0, 1,
                    {"1/year", "overdraft interest, rating A", m24}));
  t.push_back(field("enterprises.overdraft_rate_B", &P::enterprises,
                    &EnterpriseParams::overdraft_rate_B, 0, 1,
                    {"1/year", "overdraft interest, rating B", m24}));
  t.push_back(field("enterprises.overdraft_rate_C", &P::enterprises,
                    &EnterpriseParams::overdraft_rate_C, 0, 1,
                    {"1/year", "overdraft interest, rating C", m24}));
  t.push_back(field("enterprises.overdraft_rate_D", &P::enterprises,
                    &EnterpriseParams::overdraft_rate_D, 0, 1,
                    {"1/year", "overdraft interest, rating D", m24}));
  // [economy]
  t.push_back(field("economy.ag_income_yuan_per_ha", &P::economy,
                    &EconomyParams::ag_income_yuan_per_ha, 0, 1e7,
                    {"yuan/ha/year", "net farm income per ha of undamaged farmland", m42}));
  t.push_back(field("economy.other_income_yuan_per_person", &P::economy,
                    &EconomyParams::other_income_yuan_per_person, 0, 1e7,
                    {"yuan/person/year", "other income per household member", m42}));
  t.push_back(field("economy.mining_jobs_per_10kt", &P::economy,
                    &EconomyParams::mining_jobs_per_10kt, 0, 1e4,
                    {"job/(10 kt/month)", "mining jobs per 10 kt of monthly output", m42}, false));
  t.push_back(field(
      "economy.mining_job_radius_km", &P::economy, &EconomyParams::mining_job_radius_km, 0, 1e4,
      {"km", "mining jobs go to households of villages this close, nearest first", m42}, false));
  t.push_back(field("economy.wage_mining_yuan_per_year", &P::economy,
                    &EconomyParams::wage_mining_yuan_per_year, 0, 1e8,
                    {"yuan/year", "wage of a mining job", m42}));
  t.push_back(field("economy.green_jobs_per_ha", &P::economy, &EconomyParams::green_jobs_per_ha, 0,
                    1e3, {"job/ha", "green jobs per ha of converted land", m42}));
  t.push_back(field("economy.wage_green_yuan_per_year", &P::economy,
                    &EconomyParams::wage_green_yuan_per_year, 0, 1e8,
                    {"yuan/year", "wage of a green job", m42}));
  t.push_back(field("economy.green_net_income_yuan_per_ha", &P::economy,
                    &EconomyParams::green_net_income_yuan_per_ha, 0, 1e8,
                    {"yuan/ha/year", "net income of converted land, to whoever funded it", m42}));
  return t;
}

} // namespace minesim
