#pragma once
// Damage claims (docs/odd.md §3.7) as structure-of-arrays columns: one claim per household and
// affected mine of its village, ordered by household (HouseholdStore::claim_first gives each
// household's first claim). A claim carries the land the mine damaged and the state of its
// negotiation and payments.
#include <climits>
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
  // The claim's own clock (negotiations open on it, not on a calendar):
  std::vector<std::int32_t> damaged_since;  ///< step its oldest uncompensated damage arose,
                                            ///< no_step when it has none
  std::vector<std::int32_t> first_opened;   ///< step of the first opening since the last
                                            ///< agreement, no_step before it
  std::vector<std::int32_t> last_agreement; ///< step of the last agreement, no_step if none
  std::vector<std::int32_t> last_dispute;   ///< step of the last dispute, no_step if none

  [[nodiscard]] std::size_t size() const { return physical_ha.size(); }

  /// The value of a clock column that has not started.
  static constexpr std::int32_t no_step = INT32_MIN;

  /// True when claim c has uncompensated damage more than `months` old at `step` and no
  /// agreement covers it yet (an agreed amount waiting for payment counts as agreed): the
  /// "unsettled" claims of the metrics and of who is aggrieved.
  [[nodiscard]] bool unsettled(std::size_t c, std::int64_t step, std::int64_t months) const {
    return uncompensated_ha[c] > 1e-9 && pending_yuan[c] == 0 && damaged_since[c] != no_step &&
           step - damaged_since[c] > months;
  }

  /// True when claim c may open a negotiation at `step` (docs/odd.md §3.7, rev. 2): its oldest
  /// uncompensated damage is at least `filing_delay` months old, no negotiation of it is in
  /// progress, no agreed amount awaits payment, and its last agreement is at least `interval`
  /// and its last dispute at least `cooldown` months ago (when there was one).
  [[nodiscard]] bool may_open(std::size_t c, std::int64_t step, std::int64_t filing_delay,
                              std::int64_t interval, std::int64_t cooldown) const {
    return round[c] < 0 && pending_yuan[c] == 0 && uncompensated_ha[c] > 1e-9 &&
           damaged_since[c] != no_step && step - damaged_since[c] >= filing_delay &&
           (last_agreement[c] == no_step || step - last_agreement[c] >= interval) &&
           (last_dispute[c] == no_step || step - last_dispute[c] >= cooldown);
  }
};

} // namespace minesim
