#pragma once
// The metrics recorder: every module's time series (model/module.hpp), in the order of the
// output contract, and the sampled household panel. Values are recorded at step 0 (the
// initial state) and after every step, from the read-only world.
#include "engine/record.hpp"
#include "model/module.hpp"
#include "model/world.hpp"

#include <vector>

namespace minesim {

class Metrics {
public:
  /// Prepare storage for `steps` steps of `world` (no allocation while recording). Throws
  /// std::logic_error when two modules define a series of the same name.
  Metrics(const World& world, std::int64_t steps, ModuleList modules);

  /// Record the time series for `step`, and a panel snapshot when one is due.
  void record(const World& world, std::int64_t step);

  [[nodiscard]] const std::vector<TimeSeries>& timeseries() const { return series_; }
  [[nodiscard]] const std::vector<std::int64_t>& panel_steps() const { return panel_steps_; }
  [[nodiscard]] const std::vector<std::int64_t>& panel_household_ids() const { return panel_ids_; }
  [[nodiscard]] const std::vector<PanelField>& panel_fields() const { return panel_fields_; }

  /// The series and panel snapshots so far, for checkpoints (engine/state_archive.hpp):
  /// `steps_done` steps after the initial state.
  template <class Archive> void fields(Archive& a, std::int64_t steps_done) {
    const auto values = static_cast<std::uint64_t>(steps_done) + 1;
    for (TimeSeries& series : series_)
      a.series(series.name.c_str(), series.values, values);
    const std::uint64_t snapshots =
        panel_ids_.empty() ? 0 : static_cast<std::uint64_t>(steps_done / snapshot_interval_) + 1;
    a.series("panel.steps", panel_steps_, snapshots);
    for (PanelField& field : panel_fields_)
      a.series(field.name.c_str(), field.values, snapshots * panel_ids_.size());
  }

private:
  ModuleList modules_;
  std::vector<std::size_t> first_;     ///< per module: its first value; one more at the end
  std::vector<std::size_t> series_of_; ///< value index -> index in series_
  std::vector<double> values_;         ///< this step's values, module by module
  MetricScratch scratch_;
  std::vector<TimeSeries> series_;
  std::int64_t snapshot_interval_;
  std::vector<std::int64_t> panel_steps_;
  std::vector<std::int64_t> panel_ids_;
  std::vector<PanelField> panel_fields_;
};

} // namespace minesim
