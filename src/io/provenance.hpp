#pragma once
// Where a run file came from: the command that wrote it, the scenario it ran, and, for a run
// of a batch, the batch file, arm and replicate. Written as root attributes of the run file
// (docs/output-format.md, "Root attributes"); plain data, no HDF5.
#include <cstdint>
#include <string>
#include <vector>

namespace minesim {

/// Provenance attributes of a run file. Empty strings are written as empty strings; the batch
/// attributes (`batch`, `arm`, `replicate`) are written only when `batch` is not empty.
struct RunProvenance {
  std::string command_line;  ///< the process's arguments, shell-quoted (shell_command_line)
  std::string scenario_path; ///< the scenario file as the command named it
  /// The overrides applied to the scenario file, in order ("key=value": --set, a batch arm's
  /// overrides, the seed last): /scenario attribute `overrides`.
  std::vector<std::string> overrides;
  std::string batch;           ///< the batch (or study) file of a batch's run; "" otherwise
  std::string arm;             ///< the run's arm (with `batch`)
  std::int64_t replicate = -1; ///< the run's replicate number from 0 (with `batch`)
};

/// `arguments` joined by spaces, each quoted for a POSIX shell where it needs it, so that
/// pasting the text into a shell runs the same command: plain words stay as they are, others
/// are put in single quotes ('it'\''s'), an empty argument becomes ''.
[[nodiscard]] std::string shell_command_line(const std::vector<std::string>& arguments);

/// This process's arguments (argv) as the kernel reports them (/proc/self/cmdline); empty
/// where that cannot be read.
[[nodiscard]] std::vector<std::string> process_arguments();

} // namespace minesim
