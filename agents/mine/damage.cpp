#include "agents/mine/damage.hpp"

namespace minesim {

double new_damage_ha(double output_t_per_month, double damage_ha_per_10kt) {
  return output_t_per_month * damage_ha_per_10kt / 10000.0;
}

double farmland_part_ha(double farmland_ha, double exposure, double undamaged_ha,
                        double total_weight) {
  return total_weight > 0.0 ? farmland_ha * exposure * undamaged_ha / total_weight : 0.0;
}

double cap_at_undamaged(double undamaged_ha, std::span<double> parts_ha) {
  double total = 0.0;
  for (const double part : parts_ha)
    total += part;
  if (total <= undamaged_ha || total <= 0.0) return total;
  const double scale = undamaged_ha / total;
  total = 0.0;
  for (double& part : parts_ha) {
    part *= scale;
    total += part;
  }
  return total;
}

} // namespace minesim
