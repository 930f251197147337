#pragma once
// The HDF5 side of batches (docs/output-format.md, "Batch folder"): reading a run file's status and
// final values, and writing and reading a batch's index.h5. Like run_file.cpp, the implementation
// is one of the few places that include H5Cpp.h; nothing HDF5 leaks through this header.
//
// The serial HDF5 library is not thread-safe: callers that run these functions, or
// write_run_file, from several threads must serialise the calls themselves.
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace minesim {

/// What a run file on disk is, as far as resuming a batch is concerned.
enum class RunFileState {
  missing,    ///< no file at that path
  complete,   ///< an HDF5 file whose root attribute `status` is "complete"
  incomplete, ///< anything else: not HDF5, unreadable, or without `status = "complete"`
};

/// The state of the run file at `path`; never throws for a bad file (that is `incomplete`).
[[nodiscard]] RunFileState run_file_state(const std::string& path);

/// The last value of one time series of a run file.
struct FinalValue {
  std::string name;        ///< the time series' name under /timeseries
  std::string units;       ///< its `units` attribute
  std::string description; ///< its `description` attribute
  double value = 0.0;      ///< its last element (NaN for an empty series)
};

/// What a batch index needs from a complete run file.
struct RunFileSummary {
  double wall_seconds = 0.0;
  std::int64_t steps = 0;
  std::vector<FinalValue> finals; ///< one per time series, in the file's (name) order
};

/// Read the root attributes and the last value of every time series of a complete run file.
/// Throws std::runtime_error naming the file when it cannot be read.
[[nodiscard]] RunFileSummary read_run_summary(const std::string& path);

/// Whole time series of a run file, in the order of `names`. Throws std::runtime_error
/// naming the file, and the series when one is absent.
[[nodiscard]] std::vector<std::vector<double>>
read_time_series(const std::string& path, const std::vector<std::string>& names);

/// One value of the virtual survey at `step` (-1: the last survey of the run): a scalar
/// dataset such as "kmo" or "alpha", or one named element of a vector dataset written
/// "paths:S~C". Throws std::runtime_error naming the file when the run has no such survey
/// or value.
[[nodiscard]] double read_survey_value(const std::string& path, std::int64_t step,
                                       const std::string& name);

/// One column of the index table /runs: a 1-D dataset with `units` and `description`.
struct IndexColumn {
  std::string name;
  std::string units;
  std::string description;
  std::variant<std::vector<std::string>, std::vector<std::int64_t>, std::vector<double>> values;

  [[nodiscard]] std::size_t size() const {
    return std::visit([](const auto& v) { return v.size(); }, values);
  }
};

/// Everything index.h5 holds.
struct IndexContents {
  std::vector<IndexColumn> columns; ///< /runs/<name>, equal lengths, written in this order
  /// /links/<name> -> the run file at this path relative to the index (external links).
  std::vector<std::pair<std::string, std::string>> links;
  std::vector<std::pair<std::string, std::string>> batch_text;      ///< /batch string attributes
  std::vector<std::pair<std::string, std::int64_t>> batch_integers; ///< /batch int64 attributes
  /// Where the table and the attributes go: a batch or study index keeps its runs in /runs
  /// and the file's description in /batch; a calibration's posterior keeps its particles in
  /// /particles and its settings in /calibration.
  std::string table_group = "/runs";
  std::string table_description = "One row per planned run, in plan order; every column has "
                                  "the same length.";
  std::string attribute_group = "/batch";
};

/// Schema version of index.h5; bump on any rename or removal (see docs/output-format.md).
inline constexpr std::int64_t index_schema_version = 1;

/// Write `contents` to `path` under a temporary name, renamed over `path` when complete.
/// Throws std::runtime_error (after removing the temporary file) when it cannot be written.
void write_index_file(const std::string& path, const IndexContents& contents);

/// Read the /runs columns (in the order they were written) and the /batch attributes of an
/// index written by write_index_file; `links` are left empty. Throws std::runtime_error.
[[nodiscard]] IndexContents read_index_file(const std::string& path,
                                            const std::string& table_group = "/runs",
                                            const std::string& attribute_group = "/batch");

} // namespace minesim
