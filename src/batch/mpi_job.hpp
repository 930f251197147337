#pragma once
// MPI for batches spread over nodes (`mpirun -np K minesim batch ...`, or `srun --mpi=pmix`).
// MPI is initialised only when the process was launched by an MPI launcher, so a plain
// `minesim` never touches it. Rank 0 hands out runs one at a time to any rank that asks
// (dynamic load balancing); ranks read and write the batch folder on a shared file system.
//
// Thread use: MPI is initialised at MPI_THREAD_SERIALIZED. On rank 0 only the dispatcher
// thread (or the main thread before and after it) calls MPI; on other ranks worker threads
// call request(), which holds a mutex for the whole exchange.
#include <cstdint>
#include <functional>
#include <mutex>

namespace minesim::batch {

/// Membership of an MPI job, from MPI_Init to MPI_Finalize (RAII).
class MpiJob {
public:
  /// Whether this process was started by mpirun (Open MPI sets OMPI_COMM_WORLD_SIZE) or by
  /// a PMIx launcher such as `srun --mpi=pmix` (PMIX_RANK). `getenv` is std::getenv.
  [[nodiscard]] static bool launched(const std::function<const char*(const char*)>& getenv);

  /// MPI_Init_thread; throws std::runtime_error when MPI cannot give serialized threads.
  MpiJob();
  /// MPI_Finalize.
  ~MpiJob();
  MpiJob(const MpiJob&) = delete;
  MpiJob& operator=(const MpiJob&) = delete;

  [[nodiscard]] int rank() const { return rank_; }
  [[nodiscard]] int size() const { return size_; }

  /// Rank 0's `value`, on every rank (collective).
  [[nodiscard]] std::int64_t broadcast(std::int64_t value) const;
  /// The sum of every rank's `value`, on rank 0 (collective; other ranks get 0).
  [[nodiscard]] std::int64_t sum_on_root(std::int64_t value) const;
  /// Whether `ok` is true on every rank (collective).
  [[nodiscard]] bool all(bool ok) const;

  /// Rank 0: answer requests until `requesters` of them have been told there is no more
  /// work. `next()` gives the next run index, or -1 when there is none; `finished(index,
  /// status, rank)` is told each run another rank reports. Polls without spinning a core.
  void serve(
      std::int64_t requesters, const std::function<std::int64_t()>& next,
      const std::function<void(std::int64_t index, std::int64_t status, int rank)>& finished) const;

  /// Other ranks: report the run just finished (index -1 for none) and its status, and
  /// receive the next run index from rank 0, or -1 when there is no more. Thread-safe.
  [[nodiscard]] std::int64_t request(std::int64_t finished_index, std::int64_t status);

private:
  int rank_ = 0;
  int size_ = 1;
  std::mutex exchange_;
};

} // namespace minesim::batch
