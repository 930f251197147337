#pragma once
// Supervision and enforcement (docs/odd.md §3.11) and the yearly strategy choices of enterprises
// and local governments (docs/odd.md §3.12). Pure functions.
#include <cstdint>

namespace minesim {

/// [supervision] parameters.
struct SupervisionParams {
  double inspections_per_month = 0.5;       ///< per county at full (strict) effort
  double lax_effort = 0.3;                  ///< effort of a lax county, relative to strict
  double joint_supervision_gain = 0.5;      ///< extra inspections with the joint supervision centre
  double detection_probability = 0.5;       ///< an inspection detects a shirking mine
  double digital_platform_detection = 0.85; ///< ... with full-life-cycle digital supervision
  double fine_base_yuan = 200000.0;
  double fine_multiplier = 1.5;   ///< times the restoration cost avoided since last detection
  std::int64_t remedy_months = 6; ///< to remedy a detected backlog, else the deposit is forfeited
  double credit_penalty = 15.0;   ///< points per detected violation
  double credit_reward = 5.0;     ///< points per compliant year
  double quota_cut_C = 0.2;       ///< output quota cut of rating C with credit linkage
  double quota_cut_D = 0.5;       ///< ... of rating D
  bool initial_strict = true;     ///< local governments start strict
  double inspection_cost_yuan = 100000.0;
  double performance_reward_yuan = 2e6; ///< strict and the county's active restoration rate rose
  double exposure_penalty_yuan = 3e6;   ///< lax and a report found a violation
  double stability_cost_yuan_per_petition_month = 2000.0;
  double kappa_government_yuan = 1e6;             ///< logit scale of the county's choice
  double kappa_enterprise_yuan_per_10kt = 5000.0; ///< logit scale of the enterprise's choice
  double exploration = 0.02; ///< chance of a random strategy instead of the logit choice
  double reputation_loss_yuan = 500000.0; ///< an enterprise's loss per detected violation
  /// (rev. 2) Prior P(a detected violation is not remedied in time), one pseudo-observation.
  double unremedied_prior = 0.2;
};

/// [policy] supervision measures.
struct SupervisionPolicy {
  bool public_reporting = true;  ///< residents can report shirking mines
  bool digital_platform = false; ///< full-life-cycle digital supervision
  bool joint_centre = false;     ///< joint supervision centre
  bool credit_linkage = false;   ///< ratings C and D cut output quotas
};

/// Inspections a county makes per month: base * (strict ? 1 : lax) * (1 + gain * joint).
[[nodiscard]] double inspections_per_month(const SupervisionParams& p, bool strict,
                                           bool joint_centre);

/// Chance that an inspection detects a shirking mine.
[[nodiscard]] double detection_probability(const SupervisionParams& p, bool digital_platform);

/// Fine for a detected violation: base + multiplier * restoration cost avoided.
[[nodiscard]] double fine_yuan(const SupervisionParams& p, double avoided_yuan);

/// Output quota cut of a rating letter (0 A, 1 B, 2 C, 3 D) under credit linkage.
[[nodiscard]] double quota_cut(const SupervisionParams& p, int rating, bool credit_linkage);

/// Expected cost of shirking per 10 kt produced, as an enterprise reckons it for the coming
/// year: shirk restoration plus, at `detections_per_month` (its estimate), the fine on a
/// year's avoided cost, the expected forfeit, a year of quota cut and the reputation loss.
struct ShirkCost {
  double restoration_yuan_per_10kt; ///< comply restoration cost per 10 kt
  double avoided_yuan_per_month;    ///< restoration a shirker avoids a month
  double output_10kt_per_month;
  /// Deposit lost per detection: P(not remedied within the remedy months) * deposit
  /// (docs/odd.md §3.12, rev. 2; see expected_forfeit_yuan).
  double expected_forfeit_yuan;
  double quota_loss_yuan_per_year; ///< lost profit of a year with the cut after a detection
};
[[nodiscard]] double shirk_cost_yuan_per_10kt(const SupervisionParams& p, const ShirkCost& c,
                                              double shirk_effort, double detections_per_month);

/// P(a detected violation is not remedied within the remedy months), as estimated from a
/// county's last 3 years: (forfeits + prior) / (detections + 1), the prior counting as one
/// pseudo-observation (docs/odd.md §3.12, rev. 2).
[[nodiscard]] double unremedied_probability(const SupervisionParams& p, double forfeits,
                                            double detections);

/// The deposit an enterprise expects to lose per detection: unremedied_probability * deposit.
[[nodiscard]] inline double expected_forfeit_yuan(double unremedied_probability,
                                                  double deposit_yuan) {
  return unremedied_probability * deposit_yuan;
}

/// Logit choice: probability of complying given the cost difference per 10 kt.
[[nodiscard]] double comply_probability(const SupervisionParams& p, double cost_comply,
                                        double cost_shirk);

/// What a county saw in the year that ends, under the strategy it played.
struct CountyYear {
  bool played_strict;                  ///< the strategy played this year
  double strict_inspections_per_month; ///< routine inspections at strict effort
  double lax_inspections_per_month;    ///< ... at lax effort
  double inspections;                  ///< made this year, report-triggered included
  double report_inspections;           ///< of those, triggered by residents' reports
  double fines_yuan;                   ///< collected this year
  double report_fines_yuan;            ///< of those, from report-triggered inspections
  bool restoration_rate_rose;          ///< the county's active restoration rate rose
  bool report_found_violation;         ///< a report-triggered inspection detected one
  double stability_pressure;           ///< petition-months at the year end
};

/// The year's payoffs of strict and of lax supervision (docs/odd.md §3.12, rev. 2). The strategy
/// played is credited what happened: fines collected minus inspection costs, plus the
/// performance reward (strict, rate rose) or minus the exposure penalty (lax, a report found
/// a violation) and the stability cost (lax: strict supervision answers grievances). The
/// other is the county's estimate from the same year: report-triggered inspections and their
/// fines as they were (reports do not depend on effort); routine inspections scaled by the
/// ratio of the efforts, each earning the fine per routine inspection seen this year (the
/// fine per inspection of any kind when no routine one was made); the same year's rate rise,
/// reports and pressure for the reward, penalty and stability terms.
struct CountyPayoffs {
  double strict_yuan;
  double lax_yuan;
};
[[nodiscard]] CountyPayoffs county_payoffs(const SupervisionParams& p, const CountyYear& y);

/// Probability of choosing strict supervision: logistic(advantage / kappa).
[[nodiscard]] double strict_probability(const SupervisionParams& p, double advantage_yuan);

} // namespace minesim
