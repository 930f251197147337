#pragma once
// The HDF5 run file of ../OUTPUT.md. This is the only place that includes H5Cpp.h. The file
// is written under a temporary name and renamed when complete; `status = "complete"` is the
// last attribute written.
#include "src/network/social_network.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace minesim {

/// One time series: `values` has steps + 1 entries (the initial state, then each step).
struct TimeSeries {
  std::string name;
  std::string units;       ///< "1" for dimensionless
  std::string description; ///< one sentence
  std::vector<double> values;
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
  std::vector<std::int64_t> panel_household_ids;
  std::vector<PanelField> panel_fields;
  std::map<std::string, std::vector<Column>> tables; ///< group name -> columns
  const Csr* network = nullptr;                      ///< written as /network/offsets, targets
};

/// Schema version of the run file; bump on any rename or removal (see OUTPUT.md).
inline constexpr std::int64_t run_schema_version = 1;

/// Write `record` to `path`: to "<path>.partial" first, renamed over `path` when complete.
/// Throws std::runtime_error (after removing the partial file) when the file cannot be
/// written.
void write_run_file(const std::string& path, const RunRecord& record);

/// The temporary name a run is written under before it is complete.
[[nodiscard]] std::string partial_path(const std::string& path);

} // namespace minesim
