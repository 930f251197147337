#pragma once
// MPI for batches spread over nodes (`mpirun -np K minesim batch ...`, or `srun --mpi=pmix`).
// MPI is initialised only when the process was launched by an MPI launcher, so a plain
// `minesim` never touches it. Rank 0 hands out runs one at a time to any rank that asks
// (dynamic load balancing); ranks read and write the batch folder on a shared file system.
//
// A rank that dies. Open MPI ends the whole job when one of its processes dies, unless
// mpirun was given --enable-recovery: then the others live on, and must not wait for the
// dead one. So collectives are used only before the runs, while every rank is known to be
// alive; from serve()/work() on, messages are point to point. The other ranks tell rank 0
// every rank timeout / 4 that they are alive; rank 0 declares a rank lost when it has heard
// nothing from it for the rank timeout (or a message to it is not taken in that time),
// reports its runs in flight as lost, and leaves it out of everything that follows,
// MPI_Finalize included (its closing fence could wait for the lost rank). The death of
// rank 0 itself is not survived: without it nobody hands out runs or writes the index.
//
// Thread use: MPI is initialised at MPI_THREAD_SERIALIZED. On rank 0 only the dispatcher
// thread (or the main thread before and after it) calls MPI; on other ranks the worker
// threads and the heartbeat thread of work() take a mutex around every MPI call.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <vector>

namespace minesim::batch {

/// Membership of an MPI job, from MPI_Init to MPI_Finalize (RAII).
class MpiJob {
public:
  /// How long rank 0 waits for a silent rank before it declares it lost, unless
  /// MINESIM_RANK_TIMEOUT says otherwise. Long enough for a node under heavy load or a
  /// slow shared file system, short next to a run worth spreading over MPI ranks.
  static constexpr std::chrono::milliseconds default_rank_timeout{60'000};

  /// Whether this process was started by mpirun (Open MPI sets OMPI_COMM_WORLD_SIZE) or by
  /// a PMIx launcher such as `srun --mpi=pmix` (PMIX_RANK). `getenv` is std::getenv.
  [[nodiscard]] static bool launched(const std::function<const char*(const char*)>& getenv);

  /// The rank timeout: MINESIM_RANK_TIMEOUT in seconds (0.1 to 1000000, fractions
  /// allowed), or default_rank_timeout when it is unset or empty. Throws InputError for
  /// any other value.
  [[nodiscard]] static std::chrono::milliseconds
  rank_timeout(const std::function<const char*(const char*)>& getenv);

  /// Whether mpirun was given --enable-recovery, which Open MPI 4 hands to its processes as
  /// OMPI_MCA_orte_enable_recovery. mpirun then keeps the others alive when one dies, and
  /// exits 0 whatever its processes exit with (docs/batch.md, "A rank that dies").
  [[nodiscard]] static bool recovery_enabled(const std::function<const char*(const char*)>& getenv);

  /// MPI_Init_thread; throws std::runtime_error when MPI cannot give serialized threads.
  /// Every rank takes rank 0's `rank_timeout` (collective).
  explicit MpiJob(std::chrono::milliseconds rank_timeout = default_rank_timeout);
  /// MPI_Finalize, unless a rank was lost or a message was left in flight to one.
  ~MpiJob();
  MpiJob(const MpiJob&) = delete;
  MpiJob& operator=(const MpiJob&) = delete;

  [[nodiscard]] int rank() const { return rank_; }
  [[nodiscard]] int size() const { return size_; }
  [[nodiscard]] std::chrono::milliseconds rank_timeout() const { return timeout_; }

  /// Rank 0's `value`, on every rank (collective: outside serve() and work()). Throws
  /// std::runtime_error, on every rank still in the job, once a rank has been lost.
  [[nodiscard]] std::int64_t broadcast(std::int64_t value) const;
  /// Whether `ok` is true on every rank (collective: outside serve() and work()). Throws
  /// as broadcast() does.
  [[nodiscard]] bool all(bool ok) const;

  /// Rank 0: answer the other ranks' requests until each has finished or is lost. `next()`
  /// gives the next run index, or -1 when there is none; `finished(index, status, rank)` is
  /// told each run another rank reports; `lost(index, rank)` each run that was in flight on
  /// a rank when it was declared lost. Polls without spinning a core.
  void serve(const std::function<std::int64_t()>& next,
             const std::function<void(std::int64_t index, std::int64_t status, int rank)>& finished,
             const std::function<void(std::int64_t index, int rank)>& lost);

  /// Other ranks: run `workers` threads that each ask rank 0 for a run, do it with
  /// `run(index)` (which returns its status), and report it with the next request, until
  /// rank 0 has no more; meanwhile tell rank 0 that this rank is alive. Returns when every
  /// thread has finished, having told rank 0 so. A rank that hears nothing from rank 0 for
  /// twice the rank timeout gives up as if there were no more runs.
  void work(int workers, const std::function<std::int64_t(std::int64_t index)>& run);

  /// The end of a batch, after serve() and work(), point to point: rank 0 sends `exit_code`
  /// to every rank still in the job and returns it; the others return what it sent (or
  /// exit_internal if they gave up on rank 0).
  [[nodiscard]] std::int64_t conclude(std::int64_t exit_code);

private:
  using Message = std::array<std::int64_t, 3>;

  /// Rank 0: whether a rank was declared lost.
  [[nodiscard]] bool lost_any() const;

  /// Send `message` to `to`, waiting at most the rank timeout for it to be taken: false
  /// when it was not (the peer is dead or stuck); the send is then left in flight.
  bool send(int to, int tag, const Message& message);
  /// Receive a message with `tag` from `from` into `message`, waiting at most `timeout`
  /// (for ever when it is zero); false when nothing came in that time.
  bool receive(int from, int tag, Message& message, std::chrono::milliseconds timeout);
  /// Throws once a rank is known to be lost: a collective would wait for it for ever. Every
  /// rank still in the job knows it after conclude(), so all of them throw alike.
  void require_every_rank() const;
  /// Other ranks: report a finished run (index -1 for none) and its status, and receive
  /// the next run index from rank 0, or -1 when there are no more or rank 0 is silent.
  /// Thread-safe.
  std::int64_t request(std::int64_t finished_index, std::int64_t status);

  int rank_ = 0;
  int size_ = 1;
  std::chrono::milliseconds timeout_;
  std::vector<bool> lost_;               ///< rank 0: ranks declared lost
  std::vector<bool> revived_;            ///< rank 0: lost ranks heard from afterwards
  std::atomic<bool> root_silent_{false}; ///< other ranks: rank 0 did not answer in time
  std::atomic<bool> finalize_{true};     ///< no rank is lost: MPI_Finalize cannot hang
  /// The buffers of sends in flight, which MPI reads until they complete; those of sends
  /// given up on stay to the end. A list, so that buffers do not move.
  std::list<Message> outgoing_;
  std::mutex exchange_; ///< one request at a time on a rank: replies carry no run id
  std::mutex calls_;    ///< MPI_THREAD_SERIALIZED: one MPI call at a time; guards outgoing_
};

} // namespace minesim::batch
