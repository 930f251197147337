#include "agents/resident/compensation_fee.hpp"

#include <cmath>

namespace minesim {

double esv_loss_yuan_per_year(double area_ha, double equivalent_value_yuan_per_ha,
                              double equivalents_before, double equivalents_after) {
  return area_ha * equivalent_value_yuan_per_ha * (equivalents_before - equivalents_after);
}

double present_value_yuan(double annual_yuan, double rate, double years) {
  if (rate == 0.0) return annual_yuan * years;
  return annual_yuan * (1.0 - std::pow(1.0 + rate, -years)) / rate;
}

double annuity_yuan_per_year(double total_yuan, double rate, double years) {
  if (rate == 0.0) return total_yuan / years;
  return total_yuan * rate / (1.0 - std::pow(1.0 + rate, -years));
}

double official_value_yuan_per_ha(const FeeParams& fee) {
  const double annual = esv_loss_yuan_per_year(
      1.0, fee.equivalent_value_yuan_per_ha, fee.equivalents_cropland, fee.equivalents_mining_land);
  return present_value_yuan(annual, fee.discount_rate, fee.period_years);
}

} // namespace minesim
