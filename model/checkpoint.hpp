#pragma once
// Checkpoints of a run (docs/checkpoints.md): the whole state after a step, so that a killed
// run continues where it stopped and finishes with the results of an uninterrupted run.
// Random draws are counter-based (a pure function of seed, stream, step, agent and draw),
// so the state is all that must be saved: stores, network, ledger, region-wide state,
// metrics so far and the step.
//
// File layout (little-endian on the machines minesim runs on; the header says so):
//   magic "MINESIMCKPT\n" (12 bytes), u32 format version, u32 byte-order mark 0x01020304,
//   u64 payload bytes, payload, u64 FNV-1a checksum of the payload.
// The payload begins with the header fields (build, resolved scenario, step, output
// position), then the state in the order of Simulation::save_state.
#include "model/simulation.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace minesim {

/// Version of the checkpoint format; bump on any change of the payload's layout.
inline constexpr std::uint32_t checkpoint_format_version = 1;

/// What identifies the run a checkpoint belongs to: it is restored only into the same build
/// and the same resolved scenario (which includes the seed).
struct CheckpointHeader {
  std::string build;         ///< version, git commit, compiler and build type of the writer
  std::string resolved_toml; ///< every parameter of the run, resolved
  std::int64_t step = 0;     ///< the last step done
  std::int64_t steps = 0;    ///< simulation.steps
  OutputPosition output;     ///< how far the run file had got (its steps_written is `step`)
};

/// A checkpoint read from disk, checked for its structure and checksum.
struct Checkpoint {
  CheckpointHeader header;
  std::string path;
  /// The whole file, mapped read-only; the state begins at state_offset.
  const char* data = nullptr;
  std::size_t size = 0;
  std::size_t state_offset = 0;

  Checkpoint() = default;
  Checkpoint(const Checkpoint&) = delete;
  Checkpoint& operator=(const Checkpoint&) = delete;
  Checkpoint(Checkpoint&& other) noexcept;
  Checkpoint& operator=(Checkpoint&& other) noexcept;
  ~Checkpoint();
};

/// The checkpoint file beside a run file: "<run file>.checkpoint".
[[nodiscard]] std::string checkpoint_path(const std::string& run_file);

/// Write the checkpoint of `sim` to `path` atomically: to "<path>.tmp", fsync, rename over
/// `path`, fsync the folder. Returns its size in bytes. Throws std::runtime_error (leaving any
/// earlier checkpoint as it was) when it cannot be written.
std::uint64_t write_checkpoint(const std::string& path, const Simulation& sim,
                               const CheckpointHeader& header);

/// Read and check the checkpoint at `path`: its magic, format version, byte order, length and
/// checksum. Throws InputError naming the file and what is wrong (truncated, corrupt, another
/// format version); nothing about the run is checked here (see check_checkpoint).
[[nodiscard]] Checkpoint read_checkpoint(const std::string& path);

/// Refuse a checkpoint of another build or scenario (InputError naming what differs).
void check_checkpoint(const Checkpoint& checkpoint, const std::string& build,
                      const std::string& resolved_toml);

/// Restore the state of `checkpoint` into `sim`, a Simulation just built from the same
/// scenario. Throws InputError when the state does not fit the scenario's world.
void restore_checkpoint(const Checkpoint& checkpoint, Simulation& sim);

} // namespace minesim
