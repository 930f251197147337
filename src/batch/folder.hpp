#pragma once
// The batch folder (docs/output-format.md, "Batch folder"; docs/batch.md):
//   DIR/plan.toml             the runs this folder holds (written first, checked on rerun)
//   DIR/runs/<id>.h5          one run file per complete run
//   DIR/runs/<id>.h5.partial  a run being written (discarded on rerun)
//   DIR/runs/<id>.error       why a run failed (one line; removed when it is redone)
//   DIR/index.h5              the table of runs, written when every run has been tried
#include <string>

namespace minesim::batch {

/// Paths inside one batch folder.
class BatchFolder {
public:
  explicit BatchFolder(std::string dir) : dir_(std::move(dir)) {}

  [[nodiscard]] const std::string& dir() const { return dir_; }
  [[nodiscard]] std::string runs_dir() const { return dir_ + "/runs"; }
  [[nodiscard]] std::string plan() const { return dir_ + "/plan.toml"; }
  [[nodiscard]] std::string index() const { return dir_ + "/index.h5"; }
  /// The run file of run `id`.
  [[nodiscard]] std::string run_file(const std::string& id) const {
    return runs_dir() + "/" + id + ".h5";
  }
  /// The run file as the index's external links name it: relative to the index.
  [[nodiscard]] static std::string run_link_target(const std::string& id) {
    return "runs/" + id + ".h5";
  }
  /// The name a run file has until its run is complete.
  [[nodiscard]] std::string run_partial(const std::string& id) const {
    return run_file(id) + ".partial";
  }
  /// The checkpoint of run `id` (model/checkpoint.hpp), while it is not complete.
  [[nodiscard]] std::string run_checkpoint(const std::string& id) const {
    return run_file(id) + ".checkpoint";
  }
  /// The failure record of run `id`.
  [[nodiscard]] std::string run_error(const std::string& id) const {
    return runs_dir() + "/" + id + ".error";
  }

private:
  std::string dir_;
};

} // namespace minesim::batch
