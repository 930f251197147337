#pragma once
// The HDF5 run file of docs/output-format.md. This is the only place that includes H5Cpp.h. The
// file is written under a temporary name and renamed when complete; `status = "complete"` is the
// last attribute written.
#include "engine/record.hpp"
#include "io/provenance.hpp"

#include <cstdint>
#include <string>

namespace minesim {

/// Schema version of the run file; bump on any rename or removal (see docs/output-format.md).
inline constexpr std::int64_t run_schema_version = 1;

/// Write `record` to `path`: to "<path>.partial" first, renamed over `path` when complete.
/// `provenance` becomes root attributes (command_line, scenario_path; batch, arm, replicate
/// for a batch's run) and the /scenario attribute `overrides`. Throws std::runtime_error
/// (after removing the partial file) when the file cannot be written.
void write_run_file(const std::string& path, const RunRecord& record,
                    const RunProvenance& provenance = {});

/// The group a survey taken at `step` is written to: "/survey/step_NNNN" (4 digits at
/// least, zero-padded, so that groups sort by step).
[[nodiscard]] std::string survey_group_path(std::int64_t step);

/// The temporary name a run is written under before it is complete.
[[nodiscard]] std::string partial_path(const std::string& path);

} // namespace minesim
