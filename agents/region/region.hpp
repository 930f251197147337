#pragma once
// The region: a square holding villages and mines (docs/odd.md §1.2). Villages are stored as
// columns; each village's households are a contiguous id range.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace minesim {

/// [region] parameters.
struct RegionParams {
  double side_km = 30.0;           ///< side of the square region
  std::int64_t villages = 40;      ///< number of villages
  double exposure_lambda_km = 3.0; ///< exposure e = exp(-distance / lambda)
  double damage_radius_km = 5.0;   ///< a village within this distance of a mine is affected by it
  std::int64_t counties = 2;       ///< local governments: vertical strips of equal width
};

/// The county (local government) of a point at `x_km`: the region is cut into `counties`
/// vertical strips of equal width, numbered west to east. With two counties this is the
/// west half (0) and the east half (1).
[[nodiscard]] inline std::uint8_t county_of(double x_km, double side_km, std::size_t counties) {
  std::size_t k = 0;
  while (k + 1 < counties &&
         x_km >= side_km * static_cast<double>(k + 1) / static_cast<double>(counties))
    ++k;
  return static_cast<std::uint8_t>(k);
}

/// Whether village `village` holds its hearing at `step` (docs/odd.md §3.8, rev. 2): hearings
/// are staggered by village, at steps where (step + village) % interval == 0. The modulo is
/// non-negative, so spin-up steps (negative) follow the same calendar.
[[nodiscard]] inline bool holds_hearing(std::int64_t step, std::size_t village,
                                        std::int64_t interval) {
  const std::int64_t r = (step + static_cast<std::int64_t>(village)) % interval;
  return (r + interval) % interval == 0;
}

/// Villages as columns. Exposure is dense [village][mine]; the affected mines of each
/// village (within the damage radius) are a CSR list, in mine-id order.
struct VillageStore {
  std::vector<double> x_km, y_km;
  std::vector<std::uint8_t> county;
  std::vector<std::uint32_t> first_household; ///< size villages + 1

  std::vector<double> exposure;                ///< exposure[v * mines + m]
  std::vector<std::uint32_t> affected_offsets; ///< size villages + 1
  std::vector<std::uint32_t> affected_mine;    ///< mine ids, ascending within a village

  // Environment (docs/odd.md §3.4), recomputed each step.
  std::vector<double> air_quality, water_quality, vegetation;
  std::vector<double> mining_intensity;     ///< sum over active mines of e * output / 100 kt
  std::vector<double> median_income_yuan;   ///< median household income, this step
  std::vector<double> negotiation_index;    ///< negotiation index NI (docs/odd.md §3.8)
  std::vector<std::uint16_t> hearings_held; ///< bit k: the village held a hearing k months ago

  [[nodiscard]] std::size_t size() const { return x_km.size(); }
  [[nodiscard]] std::size_t households(std::size_t v) const {
    return first_household[v + 1] - first_household[v];
  }
};

} // namespace minesim
