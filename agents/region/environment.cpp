#include "agents/region/environment.hpp"

#include "engine/stats.hpp"

namespace minesim {

VillageEnvironment village_environment(const EnvironmentParams& params,
                                       std::span<const double> exposure, const MineStore& mines) {
  double air = 0.0;
  double water = 0.0;
  double drawdown = 0.0;
  double vegetation_loss = 0.0;
  for (std::size_t m = 0; m < exposure.size(); ++m) {
    const bool active = mines.status[m] == MineStatus::active;
    // A halted active mine emits as a closed one (rev. 2) but keeps drawing groundwater.
    const bool emitting = active && mines.halted[m] == 0;
    const double status_factor = emitting ? 1.0 : params.closed_emission_share;
    air += exposure[m] * params.air_emission * status_factor;
    water += exposure[m] * params.water_emission * status_factor;
    if (active) drawdown += exposure[m] * params.drawdown_per_exposure;
    // u[m] * cumulative_damaged[m] is the unrestored area itself.
    const double unrestored_ha = mines.damaged_ha[m] + mines.restoring_ha[m];
    vegetation_loss += exposure[m] * unrestored_ha / params.vegetation_scale_ha;
  }
  return {1.0 - clip01(air), 1.0 - clip01(water + drawdown), 1.0 - clip01(vegetation_loss)};
}

} // namespace minesim
