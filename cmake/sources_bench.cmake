# The performance benchmark (bench/): not part of the CI test suite; bench/run.sh runs it.
# Off by default so the CI build stays small; bench/run.sh configures its own build with it on.
option(MINESIM_BUILD_BENCH "Build the performance benchmark (bench/)" OFF)
if(MINESIM_BUILD_BENCH)
  add_executable(minesim_bench bench/minesim_bench.cpp)
  target_link_libraries(minesim_bench PRIVATE minesim_model minesim_io)
  target_include_directories(minesim_bench PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_definitions(minesim_bench PRIVATE MINESIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  minesim_warnings(minesim_bench)
endif()
