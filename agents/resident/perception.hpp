#pragma once
// The structural model of perceptions and satisfaction (docs/odd.md §3.9): targets of the five
// latents as pure functions of a household's situation.
#include "agents/resident/household.hpp"

#include <array>

namespace minesim {

/// [perception] parameters: the coefficients of the target equations (logit scale).
struct PerceptionParams {
  double adjustment_rate = 0.15; ///< alpha: X <- (1 - alpha) X + alpha X*
  double offset_sd = 0.8;        ///< sd of the persistent individual offsets

  double E_intercept = -0.5, E_income_growth = 2.0, E_employed_in_mining = 0.8,
         E_mining_intensity = 0.5;
  double P_intercept = -1.0, P_air_quality = 1.2, P_water_quality = 1.0, P_vegetation = 1.0,
         P_economic_perception = -1.5;
  double C_intercept = -0.5, C_ecological_perception = 1.5, C_compensation_value = 1.2,
         C_employment_security = 1.0, C_fairness = 0.5;
  double R_intercept = -1.0, R_compensation_satisfaction = 2.0, R_informed = 1.0,
         R_participating_neighbours = 1.0;
  double S_intercept = -1.5, S_compensation_satisfaction = 1.5, S_restoration_expectation = 1.0,
         S_ecological_perception = 0.8, S_relative_income = 0.5;

  double prospect_exponent = 0.88; ///< v(g) = g^a for gains
  double loss_aversion = 2.25;     ///< v(g) = -lambda (-g)^a for losses

  double security_green = 1.0; ///< employment security by sector
  double security_mining = 0.7;
  double security_agriculture = 0.5;
  double security_unemployed = 0.0;
};

/// What a household's targets depend on besides its latents and offsets.
struct PerceptionInputs {
  double income_growth = 0.0;      ///< 12-month change of log income
  double employed_in_mining = 0.0; ///< 0 or 1
  double mining_intensity = 0.0;   ///< of its village
  double air_quality = 1.0, water_quality = 1.0, vegetation = 1.0;
  double compensation_gap = 0.0; ///< g = received / (official * expectation) - 1
  double employment_security = 0.0;
  double fairness = 1.0; ///< own received-to-official ratio / neighbours' ratio
  double informed = 0.0;
  double participating_neighbour_share = 0.0;
  double log_relative_income = 0.0; ///< log(max(income, 1000) / village median)
};

using Latents = std::array<double, latent_count>;

/// Prospect-theory value of a relative gain g: g^a for gains, -lambda (-g)^a for losses.
[[nodiscard]] double prospect_value(double g, double exponent, double loss_aversion);

/// Targets X* of the five latents. Each target reads the current value of the latent before
/// it in the causal chain (`current`), as the structural model does.
[[nodiscard]] Latents perception_targets(const PerceptionParams& params, const Latents& offsets,
                                         const Latents& current, const PerceptionInputs& in);

/// Employment security of a sector.
[[nodiscard]] double employment_security(const PerceptionParams& params, Sector sector);

/// g for a household: received / (official * expectation) - 1; 0 without damage.
[[nodiscard]] double compensation_gap(double received_yuan, double official_value_yuan,
                                      double expectation_multiplier);

} // namespace minesim
