# Hardening (docs/hardening.md): limits on TOML input, sanitizer builds, the NaN/Inf check
# after each step, and the fuzz target of the scenario, batch and plan loaders.

# --- sanitizers ------------------------------------------------------------------------
# MINESIM_SANITIZE is a -fsanitize= list for every target, tests included:
#   address,undefined  (g++ or clang; the build-asan/ preset, run by scripts/test.sh)
#   thread             (clang with its libomp, whose Archer tool tells TSan about OpenMP's
#                       barriers; the build-tsan/ preset; see docs/hardening.md)
# Line tables only (-g1): reports show file and line, and compiling takes far less time
# than with full debug information. The flags go into CMAKE_<LANG>_FLAGS, read when the
# directory's targets are generated, so they reach the targets defined above this file as
# well as the tests below it.
set(MINESIM_SANITIZE "" CACHE STRING "Sanitizers for every target, e.g. address,undefined or thread")
if(MINESIM_SANITIZE)
  set(minesim_sanitize_flags "-fsanitize=${MINESIM_SANITIZE} -fno-omit-frame-pointer -g1")
  if(MINESIM_SANITIZE MATCHES "undefined")
    # A report is a failure, not a message in a log nobody reads.
    string(APPEND minesim_sanitize_flags " -fno-sanitize-recover=undefined")
  endif()
  if(MINESIM_SANITIZE MATCHES "thread" AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(WARNING "MINESIM_SANITIZE=thread with ${CMAKE_CXX_COMPILER_ID}: libgomp is not "
                    "instrumented, so TSan reports races at every OpenMP barrier. Use the tsan "
                    "preset (clang-14 and libomp).")
  endif()
  string(APPEND CMAKE_CXX_FLAGS " ${minesim_sanitize_flags}")
  string(APPEND CMAKE_EXE_LINKER_FLAGS " -fsanitize=${MINESIM_SANITIZE}")
  string(APPEND CMAKE_SHARED_LINKER_FLAGS " -fsanitize=${MINESIM_SANITIZE}")
endif()

# --- NaN/Inf check after each step -------------------------------------------------------
# On in Debug builds and in sanitizer builds; MINESIM_CHECK_FINITE=ON forces it anywhere.
# `minesim run` then fails (exit 1, naming the series and step) at the first step that
# records a NaN or an infinity (src/engine/finite_check.hpp).
option(MINESIM_CHECK_FINITE "Check every recorded time-series value for NaN/Inf after each step"
       OFF)
if(MINESIM_CHECK_FINITE OR MINESIM_SANITIZE)
  target_compile_definitions(minesim PRIVATE MINESIM_CHECK_FINITE=1)
else()
  target_compile_definitions(minesim PRIVATE $<$<CONFIG:Debug>:MINESIM_CHECK_FINITE=1>)
endif()

# --- fuzz target -------------------------------------------------------------------------
# libFuzzer needs clang: the fuzz preset configures build-fuzz/ with clang++-14 and builds
# only this target, which compiles the loaders and the real parameter table with
# -fsanitize=fuzzer,address,undefined. The table is assembled from the model's modules, so
# the target links the model library (built without sanitizers; no HDF5).
option(MINESIM_FUZZ "Build the loader fuzz target minesim_fuzz_loader (clang only)" OFF)
if(MINESIM_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "MINESIM_FUZZ needs clang (libFuzzer): configure with "
                        "-DCMAKE_CXX_COMPILER=clang++-14, or use `cmake --preset fuzz`")
  endif()
  add_executable(minesim_fuzz_loader
    tests/fuzz/loader_fuzz.cpp
    tests/fuzz/loader_harness.cpp
    src/scenario/loader.cpp
    src/scenario/nearest_key.cpp
    src/scenario/resolved_toml.cpp
    src/scenario/toml_limits.cpp
    src/scenario/toml_position.cpp
    src/scenario/toml_value.cpp
    src/batch/batch_file.cpp
    src/batch/toml_fields.cpp
    src/batch/study_file.cpp
    src/batch/plan.cpp
    src/sensitivity/distributions.cpp
    model/parameters.cpp)
  # The batch layer's include root without its target (which would bring HDF5 and MPI).
  target_include_directories(minesim_fuzz_loader PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/layers/batch
                                                         ${CMAKE_CURRENT_BINARY_DIR}/layers/sensitivity)
  target_include_directories(minesim_fuzz_loader PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(minesim_fuzz_loader PRIVATE minesim_model toml11::toml11 Boost::headers
                                                    Eigen3::Eigen)
  target_compile_definitions(minesim_fuzz_loader PRIVATE EIGEN_DONT_PARALLELIZE)
  set(minesim_fuzz_flags -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
                         -fno-omit-frame-pointer -g)
  target_compile_options(minesim_fuzz_loader PRIVATE ${minesim_fuzz_flags})
  target_link_options(minesim_fuzz_loader PRIVATE ${minesim_fuzz_flags})
endif()
