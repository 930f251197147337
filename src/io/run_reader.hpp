#pragma once
// Reading a finished run file back for `minesim rerun`: what it ran (the resolved scenario and
// the binary that wrote it), and whether two run files hold the same results bit for bit.
#include <string>
#include <vector>

namespace minesim {

/// What a complete run file says about how it was made.
struct StoredRun {
  std::string resolved_toml;   ///< /scenario `resolved_toml`: every parameter, seed included
  std::string minesim_version; ///< root attributes of the binary that wrote it
  std::string git_commit;
};

/// Reads `path`, a complete run file. Throws InputError (one line naming the file) when it
/// is missing, not HDF5, not complete, or lacks its scenario.
[[nodiscard]] StoredRun read_stored_run(const std::string& path);

/// The groups whose datasets are the run's results, compared by rerun: everything but the
/// provenance, timings and scenario text, which differ between executions by design.
[[nodiscard]] const std::vector<std::string>& result_groups();

/// The datasets under `groups` that differ between run files `a` and `b`: present in one
/// only, or with another type, shape or any byte of data. Empty when every dataset is
/// bit-identical. Groups absent from both files are skipped.
[[nodiscard]] std::vector<std::string> differing_datasets(const std::string& a,
                                                          const std::string& b,
                                                          const std::vector<std::string>& groups);

} // namespace minesim
