// Environment: the module's parameter rows (scenarios/PARAMETERS.md).
#include "model/parameter_rows.hpp"

namespace minesim {
std::vector<ParameterBinding> environment_parameter_rows() {
  using P = Parameters;
  using namespace parameter_sources;
  std::vector<ParameterBinding> t;

  t.push_back(field("mines.damage_ha_per_10kt", &P::mines, &MineParams::damage_ha_per_10kt, 0, 10,
                    {"ha/10 kt", "land damaged per 10 kt produced (published 0.18-0.33)", m22}));
  t.push_back(field("mines.farmland_damage_share", &P::mines, &MineParams::farmland_damage_share, 0,
                    1, {"1", "share of new damage that falls on households' farmland", m23}));
  // [environment]
  t.push_back(field("environment.air_emission", &P::environment, &EnvironmentParams::air_emission,
                    0, 10, {"1", "air-quality loss per unit exposure to an active mine", m41}));
  t.push_back(field("environment.water_emission", &P::environment,
                    &EnvironmentParams::water_emission, 0, 10,
                    {"1", "water-quality loss per unit exposure to an active mine", m41}));
  t.push_back(field("environment.drawdown_per_exposure", &P::environment,
                    &EnvironmentParams::drawdown_per_exposure, 0, 10,
                    {"1", "groundwater drawdown per unit exposure to an active mine", m41}));
  t.push_back(
      field("environment.closed_emission_share", &P::environment,
            &EnvironmentParams::closed_emission_share, 0, 1,
            {"1", "emissions of closed, legacy and halted mines relative to active ones", m41}));
  t.push_back(field("environment.vegetation_scale_ha", &P::environment,
                    &EnvironmentParams::vegetation_scale_ha, 1e-6, 1e9,
                    {"ha", "unrestored area at unit exposure that removes all vegetation", m41}));
  return t;
}

} // namespace minesim
