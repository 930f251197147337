#pragma once
// The schedule of a month built from the modules' phases (docs/odd.md §1.3).
#include "engine/schedule.hpp"
#include "model/metrics.hpp"
#include "model/module.hpp"
#include "model/world.hpp"

namespace minesim {

/// Every phase of `modules`, in registry order: built once per run.
[[nodiscard]] std::vector<Phase> collect_phases(const ModuleList& modules, const World& world);

/// The schedule of a month: one phase per slot (model/module.hpp), each running the slot's
/// module phases in registry order; the yearly slot at year ends only; the metrics are
/// recorded at the end of the record slot.
[[nodiscard]] Schedule make_schedule(World& world, Metrics& metrics, std::vector<Phase> phases);

/// The spin-up: `steps` months numbered -steps to -1, each running, in slot order, the
/// phases marked in_spinup (information, hearings, perceptions, influence, participation
/// decisions). Nothing is produced, paid, negotiated or recorded, and no calendar event
/// applies, so step 0 starts from behaviour settled on the initial landscape.
void spin_up(World& world, const std::vector<Phase>& phases, std::int64_t steps);

/// The record slot's phases, then the metrics, for `step`: what the schedule's last phase
/// does, and what records the initial state (step 0).
void record_step(World& world, Metrics& metrics, const std::vector<Phase>& phases,
                 std::int64_t step);

} // namespace minesim
