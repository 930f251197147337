#pragma once
// The official compensation standard (docs/odd.md §3.7): ecosystem service value (ESV) lost,
// by the equivalent-factor method, paid yearly for T years or as its present value.

namespace minesim {

/// [compensation] parameters of the official fee.
struct FeeParams {
  double equivalent_value_yuan_per_ha = 3406.5; ///< value of one equivalent factor per ha-year
  double equivalents_cropland = 4.01;           ///< equivalents per ha-year, before damage
  double equivalents_mining_land = 0.20;        ///< equivalents per ha-year, after damage
  double discount_rate = 0.042;                 ///< r for the present value
  double period_years = 26.0;                   ///< T
};

/// Annual ESV loss of `area_ha` changing from `equivalents_before` to `equivalents_after`.
[[nodiscard]] double esv_loss_yuan_per_year(double area_ha, double equivalent_value_yuan_per_ha,
                                            double equivalents_before, double equivalents_after);

/// Present value of `annual_yuan` paid for `years` at `rate` (r = 0: annual * years).
[[nodiscard]] double present_value_yuan(double annual_yuan, double rate, double years);

/// The annual amount for `years` whose present value at `rate` is `total_yuan`.
[[nodiscard]] double annuity_yuan_per_year(double total_yuan, double rate, double years);

/// Official lump-sum compensation per hectare of farmland turned to mining land.
[[nodiscard]] double official_value_yuan_per_ha(const FeeParams& fee);

} // namespace minesim
