#include "agents/resident/negotiation.hpp"

#include <algorithm>
#include <cmath>

namespace minesim {

ModelTerms model_terms(CompensationModel model) {
  switch (model) {
  case CompensationModel::enterprise_direct:
    return {Payer::enterprise, false, 1, PaymentMix::lump_sum};
  case CompensationModel::enterprise_funded_gov_organized:
    return {Payer::enterprise, true, 2, PaymentMix::lump_sum};
  case CompensationModel::joint:
    return {Payer::enterprise_and_local_government, true, 2, PaymentMix::lump_sum};
  case CompensationModel::state_funded: return {Payer::state, true, 3, PaymentMix::annual};
  case CompensationModel::investment_promotion:
    return {Payer::social_capital, true, 2, PaymentMix::in_kind_and_lump_sum};
  }
  return {Payer::enterprise, false, 1, PaymentMix::lump_sum};
}

double offer_yuan(double official_yuan, double generosity, std::int64_t round,
                  std::int64_t last_round, double payer_reluctance, double willingness_cap) {
  const double g = std::min(generosity, willingness_cap);
  const double progress =
      last_round > 0
          ? std::clamp(static_cast<double>(round) / static_cast<double>(last_round), 0.0, 1.0)
          : 1.0;
  return official_yuan * (g + (willingness_cap - g) * std::pow(progress, payer_reluctance));
}

double effective_informed(double informed, double trust_gain) {
  return informed + trust_gain * (1.0 - informed);
}

double demand_yuan(double official_yuan, double expectation_multiplier, double neighbour_ratio,
                   double informed_effective, std::int64_t round, const NegotiationParams& p) {
  const double comparison = 1.0 + p.comparison_weight * std::max(0.0, neighbour_ratio - 1.0);
  const double asymmetry = 1.0 + p.asymmetry_inflation * (1.0 - informed_effective);
  const double concession = 1.0 - p.resident_concession * static_cast<double>(round);
  return std::max(official_yuan,
                  official_yuan * expectation_multiplier * comparison * asymmetry * concession);
}

std::int64_t settlement_yuan(double offer, double demand) {
  return static_cast<std::int64_t>(std::llround((offer + demand) / 2.0));
}

double negotiation_index(double mean_compensation_satisfaction, double employment_support,
                         double participation_frequency) {
  return 0.4 * mean_compensation_satisfaction + 0.3 * employment_support +
         0.3 * participation_frequency;
}

} // namespace minesim
