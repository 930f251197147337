#include "agents/resident/collective_action.hpp"

#include <cmath>

namespace minesim {

bool petitions(double neighbour_share, double threshold, double spontaneous, double fatigue,
               std::int64_t months, double u) {
  const double drive = neighbour_share >= threshold ? 1.0 : spontaneous;
  return u < drive * std::pow(fatigue, static_cast<double>(months));
}

} // namespace minesim
