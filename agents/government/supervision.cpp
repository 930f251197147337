#include "agents/government/supervision.hpp"

#include "engine/stats.hpp"

namespace minesim {

double inspections_per_month(const SupervisionParams& p, bool strict, bool joint_centre) {
  return p.inspections_per_month * (strict ? 1.0 : p.lax_effort) *
         (1.0 + p.joint_supervision_gain * (joint_centre ? 1.0 : 0.0));
}

double detection_probability(const SupervisionParams& p, bool digital_platform) {
  return digital_platform ? p.digital_platform_detection : p.detection_probability;
}

double fine_yuan(const SupervisionParams& p, double avoided_yuan) {
  return p.fine_base_yuan + p.fine_multiplier * avoided_yuan;
}

double quota_cut(const SupervisionParams& p, int rating, bool credit_linkage) {
  if (!credit_linkage) return 0.0;
  return rating == 2 ? p.quota_cut_C : rating == 3 ? p.quota_cut_D : 0.0;
}

double shirk_cost_yuan_per_10kt(const SupervisionParams& p, const ShirkCost& c, double shirk_effort,
                                double detections_per_month) {
  if (c.output_10kt_per_month <= 0.0) return shirk_effort * c.restoration_yuan_per_10kt;
  const double penalty_per_month =
      detections_per_month *
      (fine_yuan(p, 12.0 * c.avoided_yuan_per_month) + c.expected_forfeit_yuan +
       c.quota_loss_yuan_per_year + p.reputation_loss_yuan);
  return shirk_effort * c.restoration_yuan_per_10kt + penalty_per_month / c.output_10kt_per_month;
}

double comply_probability(const SupervisionParams& p, double cost_comply, double cost_shirk) {
  return logistic((cost_shirk - cost_comply) / p.kappa_enterprise_yuan_per_10kt);
}

double unremedied_probability(const SupervisionParams& p, double forfeits, double detections) {
  return (forfeits + p.unremedied_prior) / (detections + 1.0);
}

CountyPayoffs county_payoffs(const SupervisionParams& p, const CountyYear& y) {
  const double played =
      y.played_strict ? y.strict_inspections_per_month : y.lax_inspections_per_month;
  const double other =
      y.played_strict ? y.lax_inspections_per_month : y.strict_inspections_per_month;
  const double routine = y.inspections - y.report_inspections;
  const double routine_fines = y.fines_yuan - y.report_fines_yuan;
  // Routine inspections at the other effort: those made, scaled by the ratio of efforts (a
  // year of the other effort's budget when this one made none by construction).
  const double routine_other = played > 0.0 ? routine * other / played : 12.0 * other;
  const double fine_per_routine = routine > 0.0         ? routine_fines / routine
                                  : y.inspections > 0.0 ? y.fines_yuan / y.inspections
                                                        : 0.0;
  const double played_yuan = y.fines_yuan - p.inspection_cost_yuan * y.inspections;
  const double other_yuan = y.report_fines_yuan + routine_other * fine_per_routine -
                            p.inspection_cost_yuan * (y.report_inspections + routine_other);
  CountyPayoffs out{y.played_strict ? played_yuan : other_yuan,
                    y.played_strict ? other_yuan : played_yuan};
  if (y.restoration_rate_rose) out.strict_yuan += p.performance_reward_yuan;
  if (y.report_found_violation) out.lax_yuan -= p.exposure_penalty_yuan;
  // Unrest costs a lax county: strict supervision answers residents' grievances.
  out.lax_yuan -= p.stability_cost_yuan_per_petition_month * y.stability_pressure;
  return out;
}

double strict_probability(const SupervisionParams& p, double advantage_yuan) {
  return logistic(advantage_yuan / p.kappa_government_yuan);
}

} // namespace minesim
