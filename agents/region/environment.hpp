#pragma once
// Environment quality of a village (docs/odd.md §3.4): a pure function of the exposures and
// the mines' state.
#include "agents/mine/mine.hpp"

#include <span>

namespace minesim {

/// [environment] parameters.
struct EnvironmentParams {
  double air_emission = 0.3;          ///< air-quality loss per unit exposure to an active mine
  double water_emission = 0.2;        ///< water-quality loss per unit exposure
  double drawdown_per_exposure = 0.1; ///< groundwater drawdown per unit exposure, active mines
  double closed_emission_share = 0.3; ///< emissions of closed, legacy and halted mines relative
                                      ///< to active
  double vegetation_scale_ha = 100.0; ///< unrestored area at unit exposure that removes all cover
};

struct VillageEnvironment {
  double air_quality;   ///< AQ in [0, 1]
  double water_quality; ///< WQ in [0, 1]
  double vegetation;    ///< VG in [0, 1]
};

/// AQ, WQ and VG of one village from its exposure row (one entry per mine). The status
/// factor of a mine is 1 while it is active and not halted, closed_emission_share when it is
/// closed, legacy, or active but halted (rev. 2); groundwater drawdown counts every active
/// mine, halted or not.
[[nodiscard]] VillageEnvironment village_environment(const EnvironmentParams& params,
                                                     std::span<const double> exposure,
                                                     const MineStore& mines);

} // namespace minesim
