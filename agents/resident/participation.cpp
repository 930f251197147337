#include "agents/resident/participation.hpp"

#include "engine/stats.hpp"

#include <algorithm>

namespace minesim {

double participation_probability(const ParticipationParams& p, double R,
                                 double participating_neighbour_share) {
  return logistic(p.intercept + p.restoration_expectation * R +
                  p.neighbours * participating_neighbour_share - p.cost);
}

double after_hearing(double informed, double gain) {
  return informed + gain * (1.0 - informed);
}

} // namespace minesim
