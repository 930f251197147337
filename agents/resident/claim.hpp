#pragma once
// Damage claims (MODEL.md §4.4) as structure-of-arrays columns: one claim per household and
// affected mine of its village, ordered by household (HouseholdStore::claim_first gives each
// household's first claim). A claim carries the land the mine damaged and the state of its
// negotiation and payments.
#include <cstdint>
#include <vector>

namespace minesim {

struct ClaimStore {
  std::vector<std::uint32_t> household;
  std::vector<double> physical_ha;      ///< farmland damaged by the mine, not restored
  std::vector<double> uncompensated_ha; ///< damaged and not yet compensated
  std::vector<double> total_ha;         ///< all farmland ever damaged (dividend weights)
  std::vector<std::int8_t> round;       ///< next round k, -1 when no negotiation is open
  std::vector<std::int32_t> start;      ///< step the open negotiation started
  std::vector<std::uint8_t> dispute;    ///< no agreement after the last round, still open
  std::vector<std::uint8_t> outcome;    ///< this step's outcome (model/modules/compensation/)
  std::vector<double> offer_yuan;       ///< this step's round
  std::vector<double> demand_yuan;
  std::vector<std::int64_t> pending_yuan;     ///< agreed, waiting for the payer's funds
  std::vector<double> annuity_yuan_per_month; ///< state-funded yearly payments / 12
  std::vector<std::int32_t> annuity_end;      ///< last step of those payments

  [[nodiscard]] std::size_t size() const { return physical_ha.size(); }
};

} // namespace minesim
