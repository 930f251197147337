#pragma once
// Household economy (docs/odd.md §3.5): jobs and income.
#include "agents/resident/household.hpp"

namespace minesim {

/// [economy] parameters.
struct EconomyParams {
  double ag_income_yuan_per_ha = 15000.0;        ///< net farm income per ha of undamaged land
  double other_income_yuan_per_person = 18000.0; ///< other income per person and year
  double mining_jobs_per_10kt = 30.0;            ///< jobs per 10 kt of monthly output
  double mining_job_radius_km = 15.0;            ///< mining jobs go to villages this close
  double wage_mining_yuan_per_year = 72000.0;
  double green_jobs_per_ha = 0.5; ///< per ha of converted green land
  double wage_green_yuan_per_year = 54000.0;
  double green_net_income_yuan_per_ha = 30000.0; ///< yearly, to whoever funded the land
};

/// Yearly income of a household: farming undamaged land + wage + other income + compensation
/// spread over its period.
[[nodiscard]] double household_income_yuan(const EconomyParams& p, double land_ha,
                                           double damaged_land_ha, Sector sector, int size_persons,
                                           double compensation_yuan_per_year);

/// Mining jobs at a mine producing `output_t_per_month`.
[[nodiscard]] std::int64_t mining_jobs(const EconomyParams& p, double output_t_per_month);

} // namespace minesim
