#include "agents/social_capital/market.hpp"

#include <cmath>

namespace minesim {

double project_yield(double revenue_yuan_per_ha_year, double cost_yuan_per_ha) {
  return cost_yuan_per_ha > 0.0 ? revenue_yuan_per_ha_year / cost_yuan_per_ha : 0.0;
}

double equity_yield(double revenue_yuan_per_ha_year, double cost_yuan_per_ha, double bond_share,
                    double bond_rate) {
  const double equity = (1.0 - bond_share) * cost_yuan_per_ha;
  if (equity <= 0.0) return 0.0;
  return (revenue_yuan_per_ha_year - bond_rate * bond_share * cost_yuan_per_ha) / equity;
}

double bond_payment_yuan_per_month(double principal, double yearly_rate, double term_years) {
  const double r = yearly_rate / 12.0;
  const double months = 12.0 * term_years;
  if (r == 0.0) return principal / months;
  return principal * r / (1.0 - std::pow(1.0 + r, -months));
}

} // namespace minesim
