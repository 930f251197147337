#pragma once
// Collective action (docs/odd.md §3.10): reporting shirking mines, petitioning and halts.
#include <cstdint>

namespace minesim {

/// [participation] parameters of reporting, petitions and halts.
struct CollectiveActionParams {
  double report_probability = 0.002; ///< a participant reports a shirking mine nearby, a month
  double grievance_level = 0.3;      ///< S below this is a grievance
  std::int64_t grievance_damage_months = 12; ///< damage older than this and not agreed is a
                                             ///< grievance (rev. 2)
  double spontaneous_petition = 0.01;        ///< chance an aggrieved household petitions on its own
  double petition_fatigue = 0.8; ///< continuing probability factor per consecutive month
  double halt_share = 0.3; ///< petitioning share of a mine's claimants that counts toward a halt
  std::int64_t halt_months = 2;          ///< consecutive months at halt_share that halt a mine
  std::int64_t halt_duration_months = 3; ///< months a halt lasts
  double pressure_decay = 0.9;           ///< stability pressure kept each month
};

/// Whether an aggrieved household petitions this month: if the share of its neighbours
/// petitioning last month reaches its threshold, or spontaneously; after `months` consecutive
/// petitioning months the chance is multiplied by fatigue^months. `u` is uniform on (0, 1).
[[nodiscard]] bool petitions(double neighbour_share, double threshold, double spontaneous,
                             double fatigue, std::int64_t months, double u);

/// A mine's halt state (docs/odd.md §3.10, rev. 2).
struct HaltState {
  std::int32_t run_months = 0;  ///< consecutive months the claimants reached the halt share
  std::int32_t months_left = 0; ///< months of the halt still to run, from next month
  [[nodiscard]] bool halted_next_month() const { return months_left > 0; }
};

/// A mine's halt state after this month's petitions. `petitioners` of its `claimants`
/// (households holding a claim with uncompensated damage against it) petitioned this month.
/// A running halt counts this month off; a new halt of `duration_months` starts when the
/// claimants have petitioned at `share` or more for `run_months_needed` consecutive months
/// and no halt is running; the run then starts again from zero, and months of petitioning
/// during a halt count toward the next one (a movement that persists keeps the mine halted).
/// A mine that is not active is never halted.
[[nodiscard]] HaltState next_halt_state(HaltState state, bool active, std::int64_t claimants,
                                        std::int64_t petitioners, double share,
                                        std::int64_t run_months_needed,
                                        std::int64_t duration_months);

} // namespace minesim
