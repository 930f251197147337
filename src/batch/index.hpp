#pragma once
// Building a batch's index.h5 from its plan and the files in its folder. The index is always
// built from the files, never from what one process remembers, so an index written after a
// resume, by batch-merge after a job array, or by rank 0 of an MPI job is the same as the
// index of an uninterrupted serial batch (apart from the wall_seconds column).
#include "batch/folder.hpp"
#include "batch/plan.hpp"

#include <string>
#include <vector>

namespace minesim::batch {

/// The statuses of the runs of a plan, as found in the folder.
struct IndexSummary {
  std::size_t complete = 0;
  std::size_t failed = 0;  ///< have an error record and no complete run file
  std::size_t missing = 0; ///< neither: not run yet, or interrupted
  std::vector<std::string> failed_ids;
  std::vector<std::string> missing_ids;
};

/// Write `folder`'s index.h5 for `plan`. Throws std::runtime_error when a file cannot be read
/// or the index cannot be written.
IndexSummary write_batch_index(const BatchPlan& plan, const BatchFolder& folder);

/// The first line of run `id`'s error record ("" when there is none).
[[nodiscard]] std::string read_error_record(const BatchFolder& folder, const std::string& id);

} // namespace minesim::batch
