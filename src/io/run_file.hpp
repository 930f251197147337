#pragma once
// The HDF5 run file of docs/output-format.md. This is the only place that includes H5Cpp.h. The
// file is written under a temporary name and renamed when complete; `status = "complete"` is the
// last attribute written.
#include "engine/record.hpp"
#include "io/provenance.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace minesim {

/// Schema version of the run file; bump on any rename or removal (see docs/output-format.md).
inline constexpr std::int64_t run_schema_version = 1;

/// A run file written while the run goes (docs/output-format.md, "Files of unfinished
/// runs"): to "<path>.partial", whose root attributes `status = "partial"` and
/// `last_complete_step` say how far it has got, renamed over `path` by finish(). Memory does
/// not grow with the steps: each append() writes the steps since the last one, and the event
/// rows and surveys handed to it, which the caller then forgets.
///
/// Before each write, the free space of the file system is checked against the data plus a
/// margin: on a full disk the run stops with the file as of its last flush, readable, instead
/// of failing inside HDF5. Every failure throws std::runtime_error("cannot write run file
/// '<path>': <reason>") and leaves the partial file as it was after the last flush.
class RunFileStream {
public:
  /// Create "<path>.partial" (replacing any left there) with what is known before the first
  /// step: root attributes, the scenario, the network, every time series and panel field
  /// (NaN until written) and empty event tables, those of `start.events`.
  [[nodiscard]] static RunFileStream create(const std::string& path, const RunRecord& start,
                                            const RunProvenance& provenance);

  /// Reopen "<path>.partial" to continue a run from a checkpoint taken at `position`: event
  /// rows and surveys written after it are removed. Throws std::runtime_error naming the file
  /// when it is not the partial file of this run (`resolved_toml`) or holds less than the
  /// checkpoint counts.
  [[nodiscard]] static RunFileStream
  resume(const std::string& path, const std::string& resolved_toml, const OutputPosition& position);

  RunFileStream(RunFileStream&&) noexcept;
  RunFileStream& operator=(RunFileStream&&) noexcept;
  RunFileStream(const RunFileStream&) = delete;
  RunFileStream& operator=(const RunFileStream&) = delete;
  /// Closes the file, leaving "<path>.partial" as of the last flush.
  ~RunFileStream();

  /// Write the time series values and panel snapshots of the steps after the last append up
  /// to `last_step`, the rows of `record.events` (in whole chunks of 1,024 rows before the
  /// run's last step; the rest waits for a later append) and `record.surveys`; then flush,
  /// and fsync when `durable`. Returns the rows written of each event table, which the
  /// caller drops from its lists.
  ///
  /// Between appends HDF5 writes nothing (its metadata cache does not evict), so the file on
  /// disk is that of the last flush: a run killed between them leaves a readable file. A run
  /// killed during one may leave a file HDF5 cannot open; its checkpoint then cannot be
  /// resumed, and the run starts again.
  std::vector<std::uint64_t> append(const RunRecord& record, std::int64_t last_step, bool durable);

  /// Write what is known at the end (the static tables, timings, threads, wall_seconds), mark
  /// the file complete, and rename it to its name. Every step must have been appended.
  void finish(const RunRecord& record);

  /// Close, leaving the partial file as of its last flush (also what the destructor does).
  void close() noexcept;
  /// Close and remove the partial file.
  void discard() noexcept;

  /// How far the file has got.
  [[nodiscard]] const OutputPosition& position() const;
  /// "<path>.partial".
  [[nodiscard]] const std::string& partial() const;

  struct Impl;

private:
  explicit RunFileStream(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Write `record` to `path` in one go: to "<path>.partial" first, renamed over `path` when
/// complete.
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

/// Whether HDF5 could not close a run file after a failed write (a file size limit, where
/// even the close's own writes fail). HDF5 1.10 then keeps the file registered, and its
/// clean-up at exit crashes on it: a process that sees true should end with std::_Exit.
[[nodiscard]] bool run_file_left_open();

} // namespace minesim
