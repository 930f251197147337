#pragma once
// What a run hands to the writer: time series, panel fields, columns, survey results and
// event tables as plain data. The model fills these; the io layer (src/io/run_file.hpp)
// writes them to HDF5. Nothing here knows HDF5 or any agent.
#include "engine/csr.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace minesim {

/// What a time series measures: a state at the end of each step (an area, a mean, a share,
/// a quantile, a running total), or an amount that accrued during the step (spending,
/// payments, negotiations held, inspections). Summing a flow over steps gives the amount over
/// that time; a stock is read at a step, or averaged. Written as the `kind` attribute.
enum class SeriesKind : std::uint8_t { stock, flow };

/// "stock" or "flow": the `kind` attribute's text.
[[nodiscard]] constexpr const char* series_kind_name(SeriesKind kind) {
  return kind == SeriesKind::flow ? "flow" : "stock";
}

/// One time series: `values` has steps + 1 entries (the initial state, then each step).
struct TimeSeries {
  std::string name;
  std::string units;       ///< "1" for dimensionless
  std::string description; ///< one sentence
  std::vector<double> values;
  SeriesKind kind = SeriesKind::stock; ///< from the module's SeriesDef
};

/// One panel field: values[snapshot * household_ids.size() + j].
struct PanelField {
  std::string name;
  std::string units;
  std::string description;
  std::vector<double> values;
};

/// A static per-entity column written under /households, /villages or /mines.
struct Column {
  std::string name;
  std::string units;
  std::string description;
  std::vector<double> real; ///< used when `integer` is empty
  std::vector<std::int64_t> integer;
  /// Whether the column holds integers, also known when it has no rows yet (an event table
  /// created before its first event).
  bool is_integer = false;
};

/// A named survey statistic (one value), written as a scalar float64 dataset.
struct SurveyScalar {
  std::string name;
  std::string units;
  std::string description;
  double value = 0.0;
};

/// A named vector of survey statistics, written as a 1-D float64 dataset whose attribute
/// `names` labels each element (omitted when `names` is empty).
struct SurveyVector {
  std::string name;
  std::string units;
  std::string description;
  std::vector<double> values;
  std::vector<std::string> names;
};

/// One virtual survey, written under /survey/step_NNNN (the step zero-padded to 4 digits).
/// Defined here, apart from the survey's own types, so that the writer knows no agent.
struct SurveyOutput {
  std::int64_t step = 0;
  std::vector<SurveyScalar> scalars;
  std::vector<SurveyVector> vectors;
  std::map<std::string, std::int64_t> attributes; ///< integer attributes of the group
  std::vector<std::int64_t> household_ids;        ///< respondents: rows of `items`
  std::vector<std::string> item_names;            ///< columns of `items` (attribute `names`)
  std::vector<std::int64_t> items; ///< row-major household_ids.size() x item_names.size()
  std::string items_units = "1";
  std::string items_description;
};

/// An event table, written as one compound dataset /events/<name> with a field per column
/// (int64 or float64, in column order). Its `units` attribute lists "field: unit" pairs.
struct EventTable {
  std::string name;
  std::string description;
  std::vector<Column> columns; ///< all of equal length
};

/// How far a run file being written during the run has got: the steps whose time series and
/// panel rows are in it, the rows of each event table (named as in RunRecord::events) and the
/// surveys. A checkpoint keeps it, so that a resumed run cuts the file back to it.
struct OutputPosition {
  std::int64_t steps_written = -1; ///< last step written; -1 before the initial state
  std::vector<std::string> event_tables;
  std::vector<std::uint64_t> event_rows; ///< per table
  std::uint64_t surveys = 0;
};

/// Everything a run file holds. Root attributes not listed (schema_version, minesim_version,
/// git_commit, compiler, build_type, created_utc, host, status) are filled in by the writer.
struct RunRecord {
  std::int64_t threads = 1;
  std::uint64_t seed = 0;
  std::int64_t steps = 0;
  double wall_seconds = 0.0;
  std::map<std::string, double> phase_seconds; ///< written as attributes of /timings
  std::string scenario_toml;                   ///< the scenario as written
  std::string resolved_toml;                   ///< every parameter, resolved
  std::vector<TimeSeries> timeseries;
  std::vector<std::int64_t> panel_steps;
  /// Months between panel snapshots (snapshots at steps 0, k, 2k, ... up to `steps`), so
  /// that a file written during the run has its panel's shape from the start; 0 to take
  /// `panel_steps` as they are.
  std::int64_t panel_interval = 0;
  std::vector<std::int64_t> panel_household_ids;
  std::vector<PanelField> panel_fields;
  std::map<std::string, std::vector<Column>> tables; ///< group name -> columns
  const Csr* network = nullptr;                      ///< written as /network/offsets, targets
  std::vector<SurveyOutput> surveys;                 ///< /survey/step_NNNN, one per survey
  std::vector<EventTable> events;                    ///< /events/<name>
};

} // namespace minesim
