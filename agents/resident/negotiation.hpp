#pragma once
// Compensation negotiation between a payer and a household (docs/odd.md §3.7): the five
// compensation models, offers, demands and the negotiation index. Pure functions.
#include <array>
#include <cstdint>

namespace minesim {

enum class CompensationModel : std::uint8_t {
  enterprise_direct = 0,
  enterprise_funded_gov_organized = 1,
  joint = 2,
  state_funded = 3,
  investment_promotion = 4,
};
inline constexpr std::array<const char*, 5> compensation_model_names{
    "enterprise_direct", "enterprise_funded_gov_organized", "joint", "state_funded",
    "investment_promotion"};

/// Who pays compensation (codes of the `payer` column of /events/negotiations).
enum class Payer : std::uint8_t {
  enterprise = 0,
  local_government = 1,
  state = 2,
  social_capital = 3,
  enterprise_and_local_government = 4, ///< the joint model
};

/// How an agreed amount is paid.
enum class PaymentMix : std::uint8_t { lump_sum, annual, in_kind_and_lump_sum };

/// The row of docs/odd.md §3.7's table for one model.
struct ModelTerms {
  Payer payer;
  bool government_organized; ///< organizer is a government (trust gain applies)
  std::int64_t months_per_round;
  PaymentMix payment;
};

/// The terms of a compensation model, exactly as docs/odd.md §3.7's table gives them.
[[nodiscard]] ModelTerms model_terms(CompensationModel model);

/// [compensation] negotiation parameters (the fee parameters are FeeParams).
struct NegotiationParams {
  CompensationModel model = CompensationModel::enterprise_direct;
  CompensationModel legacy_model = CompensationModel::state_funded;
  double joint_enterprise_share = 0.6;      ///< the enterprise's share in the joint model
  double gov_trust_gain = 0.5;              ///< a government organizer's effect on asymmetry
  double in_kind_share = 0.5;               ///< investment promotion: share paid in kind
  double payer_reluctance = 1.5;            ///< exponent of the payer's path to its cap
  double resident_concession = 0.05;        ///< demands fall by this share per round
  double comparison_weight = 0.5;           ///< weight of neighbours' better deals in demands
  double asymmetry_inflation = 0.5;         ///< demand inflation from information asymmetry
  double willingness_cap_enterprise = 1.5;  ///< most an enterprise offers, times O0
  double willingness_cap_government = 1.2;  ///< most a government offers, times O0
  std::int64_t rounds = 6;                  ///< rounds k = 0 .. K, K = rounds - 1
  std::int64_t months_per_round = 0;        ///< 0: each model's own pace; else every model's
  std::int64_t filing_delay_months = 3;     ///< a claim opens when its damage is this old
  std::int64_t claim_interval_months = 12;  ///< least time from an agreement to a reopening
  std::int64_t dispute_cooldown_months = 6; ///< least time from a dispute to a reopening
  double development_right_share = 0.0;     ///< of green income on the mine's land, as dividends
  double state_budget_yuan_per_year = 30e6; ///< state-funded compensation budget
  double social_capital_budget_yuan_per_year = 30e6; ///< investment-promotion funds
  double pressure_generosity_gain = 0.02; ///< per 100 petition-months of stability pressure
  double initial_generosity = 1.0; ///< enterprises' and local governments' generosity at start
};

/// Offer in round k of rounds 0 .. K (docs/odd.md §3.7, rev. 2): the payer concedes from its
/// opening offer toward its reservation price,
/// O_k = O0 * (g + (cap - g) * (k / K)^reluctance), g = min(generosity, cap). With a single
/// round (K = 0) that round is the last one and the payer offers cap * O0.
[[nodiscard]] double offer_yuan(double official_yuan, double generosity, std::int64_t round,
                                std::int64_t last_round, double payer_reluctance,
                                double willingness_cap);

/// Effective information level with a trusted organizer: informed + gain * (1 - informed).
[[nodiscard]] double effective_informed(double informed, double trust_gain);

/// Demand in round k: max(O0, O0 * expectation * (1 + w * max(0, nbr_ratio - 1)) *
/// (1 + inflation * (1 - informed')) * (1 - concession * k)).
[[nodiscard]] double demand_yuan(double official_yuan, double expectation_multiplier,
                                 double neighbour_ratio, double informed_effective,
                                 std::int64_t round, const NegotiationParams& p);

/// The agreed amount: the midpoint of offer and demand, rounded to the yuan.
[[nodiscard]] std::int64_t settlement_yuan(double offer, double demand);

/// Negotiation index of a village: 0.4 mean C + 0.3 employment support + 0.3 participation
/// frequency (hearings attended / hearings held, last 12 months).
[[nodiscard]] double negotiation_index(double mean_compensation_satisfaction,
                                       double employment_support, double participation_frequency);

} // namespace minesim
