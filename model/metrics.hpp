#pragma once
// Metric collectors: the time series of OUTPUT.md that this version computes, and the
// sampled household panel. Values are recorded at step 0 (the initial state) and after
// every step.
#include "engine/record.hpp"
#include "model/world.hpp"

#include <vector>

namespace minesim {

class Metrics {
public:
  /// Prepare storage for `steps` steps of `world` (no allocation while recording).
  Metrics(const World& world, std::int64_t steps);

  /// Record the time series for `step`, and a panel snapshot when one is due.
  void record(World& world, std::int64_t step);

  [[nodiscard]] const std::vector<TimeSeries>& timeseries() const { return series_; }
  [[nodiscard]] const std::vector<std::int64_t>& panel_steps() const { return panel_steps_; }
  [[nodiscard]] const std::vector<std::int64_t>& panel_household_ids() const { return panel_ids_; }
  [[nodiscard]] const std::vector<PanelField>& panel_fields() const { return panel_fields_; }
  [[nodiscard]] const std::vector<SurveyOutput>& surveys() const { return surveys_; }

private:
  std::vector<TimeSeries> series_;
  std::int64_t snapshot_interval_;
  std::vector<std::int64_t> panel_steps_;
  std::vector<std::int64_t> panel_ids_;
  std::vector<PanelField> panel_fields_;
  std::vector<double> sums_;         ///< scratch for the household sums of one step
  std::vector<double> sort_scratch_; ///< one double per household: the radix sort's buffer
  std::vector<SurveyOutput> surveys_;
};

} // namespace minesim
