// The MPI side of batches, on MPI's C API: Open MPI's deprecated C++ bindings would warn
// under -Wextra, so they are kept out.
#include "batch/mpi_job.hpp"

#include "engine/errors.hpp"

#ifndef OMPI_SKIP_MPICXX
#define OMPI_SKIP_MPICXX 1 // also set by cmake/sources_batch.cmake
#endif
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>

namespace minesim::batch {
namespace {

using Clock = std::chrono::steady_clock;

/// Messages to rank 0 ({kind, run index, run status}), its replies ({next run index}) and
/// the end of the batch ({exit code, whether a rank was lost}): three int64 each.
constexpr int to_root_tag = 1;
constexpr int reply_tag = 2;
constexpr int end_tag = 3;
/// Kinds of message to rank 0. Each is a sign of life; a request also reports a run.
constexpr std::int64_t request_kind = 0;
constexpr std::int64_t heartbeat_kind = 1;
constexpr std::int64_t done_kind = 2;

/// How long a waiting rank sleeps between polls: short next to any run, long enough that
/// the waiting thread does not take a core from the runs.
constexpr auto poll_interval = std::chrono::milliseconds(2);

void check(int code, const char* what) {
  if (code != MPI_SUCCESS) throw std::runtime_error(std::string("MPI error in ") + what);
}

} // namespace

bool MpiJob::launched(const std::function<const char*(const char*)>& getenv) {
  return getenv("OMPI_COMM_WORLD_SIZE") != nullptr || getenv("PMIX_RANK") != nullptr;
}

std::chrono::milliseconds
MpiJob::rank_timeout(const std::function<const char*(const char*)>& getenv) {
  const char* text = getenv("MINESIM_RANK_TIMEOUT");
  if (text == nullptr || *text == '\0') return default_rank_timeout;
  char* end = nullptr;
  const double seconds = std::strtod(text, &end);
  // Below 0.1 s a rank on a busy node would miss its heartbeats (a quarter of the timeout
  // apart); the upper limit keeps deadlines far from the clock's range.
  if (end == text || *end != '\0' || !std::isfinite(seconds) || seconds < 0.1 || seconds > 1e6) {
    throw InputError(std::string("MINESIM_RANK_TIMEOUT: expected seconds from 0.1 to 1000000, "
                                 "got \"") +
                     text + "\"");
  }
  return std::chrono::milliseconds(std::llround(seconds * 1000.0));
}

bool MpiJob::recovery_enabled(const std::function<const char*(const char*)>& getenv) {
  const char* value = getenv("OMPI_MCA_orte_enable_recovery");
  if (value == nullptr) return false;
  for (const char* yes : {"1", "true", "yes", "t", "y", "enabled"})
    if (std::strcmp(value, yes) == 0) return true;
  return false;
}

MpiJob::MpiJob(std::chrono::milliseconds rank_timeout) : timeout_(rank_timeout) {
  int provided = MPI_THREAD_SINGLE;
  check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided), "MPI_Init_thread");
  if (provided < MPI_THREAD_SERIALIZED) {
    MPI_Finalize();
    throw std::runtime_error("MPI does not support serialized calls from several threads");
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  // Rank 0's timeout for every rank: a rank that took its own default from an environment
  // without MINESIM_RANK_TIMEOUT (another node) would otherwise send heartbeats too rarely.
  std::int64_t milliseconds = timeout_.count();
  check(MPI_Bcast(&milliseconds, 1, MPI_INT64_T, 0, MPI_COMM_WORLD), "MPI_Bcast");
  timeout_ = std::chrono::milliseconds(milliseconds);
  lost_.assign(static_cast<std::size_t>(size_), false);
  revived_.assign(static_cast<std::size_t>(size_), false);
  // A failed send to a rank that has died must come back as an error, not abort this
  // rank. Over TCP such a send writes to a closed socket: SIGPIPE would kill the process.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  std::signal(SIGPIPE, SIG_IGN);
}

MpiJob::~MpiJob() {
  if (finalize_) MPI_Finalize();
}

void MpiJob::require_every_rank() const {
  if (!finalize_) {
    throw std::runtime_error("an MPI rank was lost earlier in this job, and the others cannot "
                             "go on together without it; run the same command again to resume");
  }
}

std::int64_t MpiJob::broadcast(std::int64_t value) const {
  require_every_rank();
  check(MPI_Bcast(&value, 1, MPI_INT64_T, 0, MPI_COMM_WORLD), "MPI_Bcast");
  return value;
}

bool MpiJob::all(bool ok) const {
  require_every_rank();
  int mine = ok ? 1 : 0;
  int every = 0;
  check(MPI_Allreduce(&mine, &every, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD), "MPI_Allreduce");
  return every == 1;
}

bool MpiJob::lost_any() const {
  return std::find(lost_.begin(), lost_.end(), true) != lost_.end();
}

bool MpiJob::send(int to, int tag, const Message& message) {
  // Not MPI_Send: over TCP, a send to a rank that has died can block for ever.
  const auto deadline = Clock::now() + timeout_;
  std::list<Message>::iterator buffer;
  MPI_Request request = MPI_REQUEST_NULL;
  {
    const std::lock_guard lock(calls_);
    buffer = outgoing_.insert(outgoing_.end(), message);
    if (MPI_Isend(buffer->data(), 3, MPI_INT64_T, to, tag, MPI_COMM_WORLD, &request) !=
        MPI_SUCCESS) {
      finalize_ = false;
      return false;
    }
  }
  while (true) {
    {
      const std::lock_guard lock(calls_);
      int done = 0;
      if (MPI_Test(&request, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS) {
        finalize_ = false;
        return false;
      }
      if (done != 0) {
        outgoing_.erase(buffer);
        return true;
      }
      if (Clock::now() >= deadline) {
        // The send may still complete; its buffer stays in outgoing_ until the end.
        MPI_Request_free(&request);
        finalize_ = false;
        return false;
      }
    }
    std::this_thread::sleep_for(poll_interval);
  }
}

bool MpiJob::receive(int from, int tag, Message& message, std::chrono::milliseconds timeout) {
  // Probe and sleep rather than block: a blocking receive in Open MPI spins on a core, and
  // would hold calls_ from the heartbeat thread.
  const auto deadline = Clock::now() + timeout;
  while (true) {
    {
      const std::lock_guard lock(calls_);
      int arrived = 0;
      check(MPI_Iprobe(from, tag, MPI_COMM_WORLD, &arrived, MPI_STATUS_IGNORE), "MPI_Iprobe");
      if (arrived != 0) {
        check(
            MPI_Recv(message.data(), 3, MPI_INT64_T, from, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
            "MPI_Recv");
        return true;
      }
    }
    if (timeout.count() > 0 && Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(poll_interval);
  }
}

void MpiJob::serve(const std::function<std::int64_t()>& next,
                   const std::function<void(std::int64_t, std::int64_t, int)>& finished,
                   const std::function<void(std::int64_t, int)>& lost) {
  const auto ranks = static_cast<std::size_t>(size_);
  std::vector<Clock::time_point> heard(ranks, Clock::now());
  std::vector<std::vector<std::int64_t>> running(ranks); // runs handed out, not yet reported
  std::vector<bool> done(ranks, false);
  std::size_t remaining = ranks - 1;
  const auto lose = [&](std::size_t r) {
    lost_[r] = true;
    finalize_ = false;
    --remaining;
    for (const std::int64_t index : running[r])
      lost(index, static_cast<int>(r));
    running[r].clear();
  };

  while (remaining > 0) {
    int arrived = 0;
    MPI_Status status;
    check(MPI_Iprobe(MPI_ANY_SOURCE, to_root_tag, MPI_COMM_WORLD, &arrived, &status), "MPI_Iprobe");
    if (arrived == 0) {
      // Silence is judged only when no message waits, so that a rank's last sign of life is
      // read before its silence is held against it.
      const auto now = Clock::now();
      for (std::size_t r = 1; r < ranks; ++r)
        if (!lost_[r] && !done[r] && now - heard[r] > timeout_) lose(r);
      std::this_thread::sleep_for(poll_interval);
      continue;
    }
    Message message{};
    const int source = status.MPI_SOURCE;
    const auto from = static_cast<std::size_t>(source);
    check(MPI_Recv(message.data(), 3, MPI_INT64_T, source, to_root_tag, MPI_COMM_WORLD,
                   MPI_STATUS_IGNORE),
          "MPI_Recv");
    const auto [kind, index, run_status] = message;
    if (lost_[from]) {
      // It was only slow. Its runs in flight are reported as lost already, so its report
      // is not taken; told that there is no more work, it finishes, and conclude() tells it
      // how the batch ended.
      revived_[from] = true;
      if (kind == request_kind) send(source, reply_tag, {-1, 0, 0});
      continue;
    }
    heard[from] = Clock::now();
    if (kind == done_kind) {
      done[from] = true;
      --remaining;
      continue;
    }
    if (kind != request_kind) continue; // a heartbeat
    if (index >= 0) {
      std::erase(running[from], index);
      finished(index, run_status, source);
    }
    const std::int64_t reply = next();
    if (reply >= 0) running[from].push_back(reply);
    if (!send(source, reply_tag, {reply, 0, 0})) lose(from);
  }
}

std::int64_t MpiJob::request(std::int64_t finished_index, std::int64_t status) {
  const std::lock_guard lock(exchange_);
  if (root_silent_) return -1;
  Message reply{};
  // Rank 0 answers at once, unless it is itself waiting (up to a rank timeout) for a send
  // to a rank that has died: so twice the rank timeout before rank 0 is taken for lost.
  if (!send(0, to_root_tag, {request_kind, finished_index, status}) ||
      !receive(0, reply_tag, reply, 2 * timeout_)) {
    root_silent_ = true;
    finalize_ = false;
    return -1;
  }
  return reply[0];
}

void MpiJob::work(int workers, const std::function<std::int64_t(std::int64_t)>& run) {
  std::mutex pulse_mutex;
  std::condition_variable pulse;
  bool stopping = false;
  // Four heartbeats to a rank timeout: one late or lost does not make this rank look dead.
  std::thread heartbeat([&] {
    std::unique_lock lock(pulse_mutex);
    while (!pulse.wait_for(lock, timeout_ / 4, [&] { return stopping; })) {
      lock.unlock();
      if (!root_silent_ && !send(0, to_root_tag, {heartbeat_kind, -1, 0})) root_silent_ = true;
      lock.lock();
    }
  });
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      std::int64_t finished = -1;
      std::int64_t status = 0;
      for (std::int64_t next = request(finished, status); next >= 0;
           next = request(finished, status)) {
        status = run(next);
        finished = next;
      }
    });
  }
  for (std::thread& t : threads)
    t.join();
  {
    const std::lock_guard lock(pulse_mutex);
    stopping = true;
  }
  pulse.notify_one();
  heartbeat.join();
  // Last: rank 0 takes one rank's messages in the order they were sent, so after this it
  // expects nothing more from this rank.
  if (!root_silent_ && !send(0, to_root_tag, {done_kind, -1, 0})) root_silent_ = true;
}

std::int64_t MpiJob::conclude(std::int64_t exit_code) {
  if (rank_ == 0) {
    const Message end{exit_code, lost_any() ? 1 : 0, 0};
    for (std::size_t r = 1; r < lost_.size(); ++r)
      if (!lost_[r] || revived_[r]) send(static_cast<int>(r), end_tag, end);
    return exit_code;
  }
  if (root_silent_) return exit_internal;
  Message end{};
  receive(0, end_tag, end, std::chrono::milliseconds(0)); // rank 0 may write the index first
  if (end[1] != 0) finalize_ = false;
  return end[0];
}

} // namespace minesim::batch
