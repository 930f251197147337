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
      detections_per_month * (fine_yuan(p, 12.0 * c.avoided_yuan_per_month) + c.deposit_yuan +
                              c.quota_loss_yuan_per_year + p.reputation_loss_yuan);
  return shirk_effort * c.restoration_yuan_per_10kt + penalty_per_month / c.output_10kt_per_month;
}

double comply_probability(const SupervisionParams& p, double cost_comply, double cost_shirk) {
  return logistic((cost_shirk - cost_comply) / p.kappa_enterprise_yuan_per_10kt);
}

double strict_advantage_yuan(const SupervisionParams& p, const CountyOutlook& o) {
  double advantage =
      o.extra_inspections_per_year * (o.fines_per_inspection_yuan - p.inspection_cost_yuan);
  if (o.restoration_rate_rose) advantage += p.performance_reward_yuan;
  if (o.report_found_violation) advantage += p.exposure_penalty_yuan;
  // Unrest costs a lax county: strict supervision answers residents' grievances.
  advantage += p.stability_cost_yuan_per_petition_month * o.stability_pressure;
  return advantage;
}

double strict_probability(const SupervisionParams& p, double advantage_yuan) {
  return logistic(advantage_yuan / p.kappa_government_yuan);
}

} // namespace minesim
