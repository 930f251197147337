#pragma once
// Reading whole run files back (time series with their units and kinds, event tables, the
// household panel) and writing them as CSV for tools that do not read HDF5: `minesim export`
// (docs/output-format.md, "CSV export"). Like run_file.cpp, the implementation includes H5Cpp.h;
// nothing HDF5 leaks through this header.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace minesim {

/// One /timeseries dataset of a run file.
struct StoredSeries {
  std::string name;
  std::string units;
  std::string description;
  std::string kind; ///< "stock" or "flow"; empty for a file written before the attribute
  std::vector<double> values;
};

/// The time series of the complete run file at `path` named in `names`, in that order, or
/// every one (in the file's order, by name) when `names` is empty. Throws InputError naming
/// the file for a missing, unreadable or incomplete file, or a series it does not hold.
[[nodiscard]] std::vector<StoredSeries> read_run_series(const std::string& path,
                                                        const std::vector<std::string>& names);

/// The external links of a batch index: run id -> the run file's path, the link's target
/// joined to the index's folder. Throws InputError when the index cannot be read.
[[nodiscard]] std::vector<std::pair<std::string, std::string>>
read_index_links(const std::string& index_path);

/// What export_csv wrote.
struct CsvExportSummary {
  std::size_t runs = 0;    ///< runs exported
  std::size_t skipped = 0; ///< runs of a batch that are not complete, left out
  /// File names written in the folder, with their number of data rows.
  std::vector<std::pair<std::string, std::size_t>> files;
};

/// Write the run file `input`, or every complete run of the batch folder `input` (through
/// its index.h5), as CSV files in the folder `dir`: timeseries.csv, events_<name>.csv and
/// panel.csv (docs/output-format.md). `dir` is created; an existing folder that holds anything is
/// refused unless `force` (files of the same names are then replaced). Throws InputError
/// for bad input (one line), std::runtime_error when a file cannot be written.
CsvExportSummary export_csv(const std::string& input, const std::string& dir, bool force);

} // namespace minesim
