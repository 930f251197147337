#pragma once
// Collective action (MODEL.md §4.7): reporting shirking mines and petitioning.
#include <cstdint>

namespace minesim {

/// [participation] parameters of reporting and petitions.
struct CollectiveActionParams {
  double report_probability = 0.002;  ///< a participant reports a shirking mine nearby, a month
  double grievance_level = 0.3;       ///< S below this is a grievance
  double spontaneous_petition = 0.01; ///< chance an aggrieved household petitions on its own
  double petition_fatigue = 0.8;      ///< continuing probability factor per consecutive month
  double halt_share = 0.3;            ///< petitioning share that halts a mine next month
  double pressure_decay = 0.9;        ///< stability pressure kept each month
};

/// Whether an aggrieved household petitions this month: if the share of its neighbours
/// petitioning last month reaches its threshold, or spontaneously; after `months` consecutive
/// petitioning months the chance is multiplied by fatigue^months. `u` is uniform on (0, 1).
[[nodiscard]] bool petitions(double neighbour_share, double threshold, double spontaneous,
                             double fatigue, std::int64_t months, double u);

} // namespace minesim
