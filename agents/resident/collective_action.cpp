#include "agents/resident/collective_action.hpp"

#include <cmath>

namespace minesim {

bool petitions(double neighbour_share, double threshold, double spontaneous, double fatigue,
               std::int64_t months, double u) {
  const double drive = neighbour_share >= threshold ? 1.0 : spontaneous;
  return u < drive * std::pow(fatigue, static_cast<double>(months));
}

HaltState next_halt_state(HaltState state, bool active, std::int64_t claimants,
                          std::int64_t petitioners, double share, std::int64_t run_months_needed,
                          std::int64_t duration_months) {
  if (!active) return {};
  if (state.months_left > 0) --state.months_left; // this month of the halt is over
  const bool at_share =
      claimants > 0 && static_cast<double>(petitioners) >= share * static_cast<double>(claimants);
  state.run_months = at_share ? state.run_months + 1 : 0;
  if (state.months_left == 0 && state.run_months >= run_months_needed && duration_months > 0) {
    state.months_left = static_cast<std::int32_t>(duration_months);
    state.run_months = 0;
  }
  return state;
}

} // namespace minesim
