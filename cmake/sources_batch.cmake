# Batches: the batch file reader and planner, the runner (worker threads, MPI ranks, Slurm
# array shards), the index writer and the paired comparison. MPI is linked into every
# minesim binary but initialised only when an MPI launcher started the process
# (src/batch/mpi_job.hpp). The C API alone is used: OMPI_SKIP_MPICXX keeps Open MPI's
# deprecated C++ bindings, which warn under -Wextra, out of the build.
find_package(MPI REQUIRED COMPONENTS CXX)

target_sources(minesim_engine PRIVATE
  src/batch/batch_file.cpp
  src/batch/plan.cpp
  src/batch/index.cpp
  src/batch/runner.cpp
  src/batch/mpi_job.cpp
  src/batch/progress_line.cpp
  src/batch/compare.cpp
  src/output/index_file.cpp)
target_compile_definitions(minesim_engine PRIVATE OMPI_SKIP_MPICXX=1)
target_link_libraries(minesim_engine PRIVATE MPI::MPI_CXX)
