#pragma once
// Damage from mining (docs/odd.md §1.2): pure functions.
#include <span>

namespace minesim {

/// New damaged area of one month: output * damage_ha_per_10kt / 10,000 t.
[[nodiscard]] double new_damage_ha(double output_t_per_month, double damage_ha_per_10kt);

/// One household's part of a mine's new farmland damage, before the cap: in proportion to
/// its exposure to the mine times its undamaged land, out of the total of that product over
/// all households of affected villages (`total_weight`).
[[nodiscard]] double farmland_part_ha(double farmland_ha, double exposure, double undamaged_ha,
                                      double total_weight);

/// Cap a household's parts (one per mine) at its undamaged land, scaling them down alike;
/// the excess is damage to non-farm land, which counts for restoration but not for claims.
/// Returns the total after the cap.
double cap_at_undamaged(double undamaged_ha, std::span<double> parts_ha);

} // namespace minesim
