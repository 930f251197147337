#include "agents/mine/restoration.hpp"

#include <algorithm>
#include <cmath>

namespace minesim {

double owner_restoration_ha(bool complies, double new_damage_ha, double damaged_ha,
                            double backlog_share_per_year, double shirk_effort) {
  const double backlog_ha = std::max(0.0, damaged_ha - new_damage_ha);
  const double full = new_damage_ha + backlog_share_per_year / 12.0 * backlog_ha;
  return std::min(damaged_ha, complies ? full : shirk_effort * full);
}

double learning_cost_yuan_per_ha(double cost0, double cumulative_restored_ha,
                                 double learning_exponent, double carbon_learning_boost,
                                 bool carbon_enabled) {
  const double effective =
      cumulative_restored_ha * (1.0 + (carbon_enabled ? carbon_learning_boost : 0.0));
  return cost0 * std::pow((effective + 100.0) / 100.0, -learning_exponent);
}

double monthly_carbon_revenue_yuan(double established_ha, double sequestration_t_co2_per_ha_year,
                                   double price_yuan_per_t) {
  return established_ha * sequestration_t_co2_per_ha_year / 12.0 * price_yuan_per_t;
}

} // namespace minesim
