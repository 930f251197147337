// The MPI side of batches, on MPI's C API: Open MPI's deprecated C++ bindings would warn
// under -Wextra, so they are kept out.
#include "batch/mpi_job.hpp"

#ifndef OMPI_SKIP_MPICXX
#define OMPI_SKIP_MPICXX 1 // also set by cmake/sources_batch.cmake
#endif
#include <mpi.h>

#include <array>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

namespace minesim::batch {
namespace {

constexpr int request_tag = 1;
constexpr int reply_tag = 2;
/// How long rank 0's dispatcher sleeps between polls: short next to any run, long enough
/// that the dispatcher does not take a core from the runs on rank 0.
constexpr auto poll_interval = std::chrono::milliseconds(2);

void check(int code, const char* what) {
  if (code != MPI_SUCCESS) throw std::runtime_error(std::string("MPI error in ") + what);
}

} // namespace

bool MpiJob::launched(const std::function<const char*(const char*)>& getenv) {
  return getenv("OMPI_COMM_WORLD_SIZE") != nullptr || getenv("PMIX_RANK") != nullptr;
}

MpiJob::MpiJob() {
  int provided = MPI_THREAD_SINGLE;
  check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided), "MPI_Init_thread");
  if (provided < MPI_THREAD_SERIALIZED) {
    MPI_Finalize();
    throw std::runtime_error("MPI does not support serialized calls from several threads");
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiJob::~MpiJob() {
  MPI_Finalize();
}

std::int64_t MpiJob::broadcast(std::int64_t value) const {
  check(MPI_Bcast(&value, 1, MPI_INT64_T, 0, MPI_COMM_WORLD), "MPI_Bcast");
  return value;
}

std::int64_t MpiJob::sum_on_root(std::int64_t value) const {
  std::int64_t sum = 0;
  check(MPI_Reduce(&value, &sum, 1, MPI_INT64_T, MPI_SUM, 0, MPI_COMM_WORLD), "MPI_Reduce");
  return rank_ == 0 ? sum : 0;
}

bool MpiJob::all(bool ok) const {
  int mine = ok ? 1 : 0;
  int every = 0;
  check(MPI_Allreduce(&mine, &every, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD), "MPI_Allreduce");
  return every == 1;
}

void MpiJob::serve(std::int64_t requesters, const std::function<std::int64_t()>& next,
                   const std::function<void(std::int64_t, std::int64_t, int)>& finished) const {
  while (requesters > 0) {
    // Probe and sleep rather than block: a blocking receive in Open MPI spins on a core.
    int arrived = 0;
    MPI_Status status;
    check(MPI_Iprobe(MPI_ANY_SOURCE, request_tag, MPI_COMM_WORLD, &arrived, &status), "MPI_Iprobe");
    if (arrived == 0) {
      std::this_thread::sleep_for(poll_interval);
      continue;
    }
    std::array<std::int64_t, 2> report{};
    check(MPI_Recv(report.data(), 2, MPI_INT64_T, status.MPI_SOURCE, request_tag, MPI_COMM_WORLD,
                   MPI_STATUS_IGNORE),
          "MPI_Recv");
    if (report[0] >= 0) finished(report[0], report[1], status.MPI_SOURCE);
    std::int64_t reply = next();
    check(MPI_Send(&reply, 1, MPI_INT64_T, status.MPI_SOURCE, reply_tag, MPI_COMM_WORLD),
          "MPI_Send");
    if (reply < 0) --requesters;
  }
}

std::int64_t MpiJob::request(std::int64_t finished_index, std::int64_t status) {
  const std::lock_guard lock(exchange_);
  std::array<std::int64_t, 2> report{finished_index, status};
  check(MPI_Send(report.data(), 2, MPI_INT64_T, 0, request_tag, MPI_COMM_WORLD), "MPI_Send");
  std::int64_t reply = -1;
  check(MPI_Recv(&reply, 1, MPI_INT64_T, 0, reply_tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
        "MPI_Recv");
  return reply;
}

} // namespace minesim::batch
