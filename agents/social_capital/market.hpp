#pragma once
// Market instruments and social capital (docs/odd.md §3.6): the carbon market, public-private
// partnerships (PPP) for legacy restoration and restoration income bonds.
#include <cstdint>

namespace minesim {

/// [market] parameters.
struct MarketParams {
  bool carbon_enabled = false;              ///< credits for sequestration are sold
  double carbon_price_yuan_per_t = 61.0;    ///< credit price (offset market; allowances ~97)
  double carbon_learning_boost = 0.5;       ///< carbon trading speeds the cost learning curve
  double ppp_hurdle_rate = 0.06;            ///< social capital invests when the yield beats this
  double ppp_capacity_yuan_per_year = 50e6; ///< most social capital invests in a year
  bool bonds_enabled = false;               ///< restoration income bonds finance part of PPP
  double bond_share = 0.5;                  ///< share b of the cost financed by bonds
  double bond_rate = 0.035;                 ///< yearly bond interest
  double bond_term_years = 10.0;            ///< bonds are repaid as an annuity over this term
};

/// Yearly yield of a restoration project per yuan of cost: revenue / cost, where revenue is
/// green income on converted land plus carbon revenue, per ha and year.
[[nodiscard]] double project_yield(double revenue_yuan_per_ha_year, double cost_yuan_per_ha);

/// Yield on social capital's equity when a share b of the cost is financed by bonds:
/// (revenue - bond_rate * b * cost) / ((1 - b) * cost).
[[nodiscard]] double equity_yield(double revenue_yuan_per_ha_year, double cost_yuan_per_ha,
                                  double bond_share, double bond_rate);

/// Level monthly payment that repays `principal` with interest at `yearly_rate` (compounded
/// monthly) over `term_years`.
[[nodiscard]] double bond_payment_yuan_per_month(double principal, double yearly_rate,
                                                 double term_years);

} // namespace minesim
