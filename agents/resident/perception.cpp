#include "agents/resident/perception.hpp"

#include "engine/stats.hpp"

#include <cmath>

namespace minesim {

double prospect_value(double g, double exponent, double loss_aversion) {
  // No gap is worth nothing: pow(0, a) is +0 for a > 0, and many households have no gap (no
  // damage, or no compensated neighbour), so they skip the call.
  if (g == 0.0 && exponent > 0.0) return 0.0;
  return g >= 0.0 ? std::pow(g, exponent) : -loss_aversion * std::pow(-g, exponent);
}

double employment_security(const PerceptionParams& params, Sector sector) {
  switch (sector) {
  case Sector::green: return params.security_green;
  case Sector::mining: return params.security_mining;
  case Sector::agriculture: return params.security_agriculture;
  case Sector::unemployed: return params.security_unemployed;
  }
  return 0.0;
}

double compensation_gap(double received_yuan, double official_value_yuan,
                        double expectation_multiplier) {
  if (official_value_yuan <= 0.0) return 0.0;
  return received_yuan / (official_value_yuan * expectation_multiplier) - 1.0;
}

Latents perception_targets(const PerceptionParams& p, const Latents& o, const Latents& x,
                           const PerceptionInputs& in) {
  Latents t{};
  t[latent_E] = logistic(o[latent_E] + p.E_intercept + p.E_income_growth * in.income_growth +
                         p.E_employed_in_mining * in.employed_in_mining +
                         p.E_mining_intensity * in.mining_intensity);
  t[latent_P] = logistic(o[latent_P] + p.P_intercept + p.P_air_quality * in.air_quality +
                         p.P_water_quality * in.water_quality + p.P_vegetation * in.vegetation +
                         p.P_economic_perception * x[latent_E]);
  const double value_of_gap =
      prospect_value(in.compensation_gap, p.prospect_exponent, p.loss_aversion);
  const double value_of_fairness =
      prospect_value(in.fairness - 1.0, p.prospect_exponent, p.loss_aversion);
  t[latent_C] =
      logistic(o[latent_C] + p.C_intercept + p.C_ecological_perception * x[latent_P] +
               p.C_compensation_value * value_of_gap +
               p.C_employment_security * in.employment_security + p.C_fairness * value_of_fairness);
  t[latent_R] = logistic(o[latent_R] + p.R_intercept + p.R_compensation_satisfaction * x[latent_C] +
                         p.R_informed * in.informed +
                         p.R_participating_neighbours * in.participating_neighbour_share);
  t[latent_S] =
      logistic(o[latent_S] + p.S_intercept + p.S_compensation_satisfaction * x[latent_C] +
               p.S_restoration_expectation * x[latent_R] + p.S_ecological_perception * x[latent_P] +
               p.S_relative_income * in.log_relative_income);
  return t;
}

} // namespace minesim
