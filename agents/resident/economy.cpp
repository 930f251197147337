#include "agents/resident/economy.hpp"

#include <algorithm>
#include <cmath>

namespace minesim {

double household_income_yuan(const EconomyParams& p, double land_ha, double damaged_land_ha,
                             Sector sector, int size_persons, double compensation_yuan_per_year) {
  const double farm = p.ag_income_yuan_per_ha * std::max(0.0, land_ha - damaged_land_ha);
  const double wage = sector == Sector::mining  ? p.wage_mining_yuan_per_year
                      : sector == Sector::green ? p.wage_green_yuan_per_year
                                                : 0.0;
  return farm + wage + p.other_income_yuan_per_person * size_persons + compensation_yuan_per_year;
}

std::int64_t mining_jobs(const EconomyParams& p, double output_t_per_month) {
  return static_cast<std::int64_t>(
      std::floor(p.mining_jobs_per_10kt * output_t_per_month / 10000.0));
}

} // namespace minesim
