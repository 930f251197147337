# Records the source revision in a generated header so that every run file names the code
# that produced it. The header is refreshed at every build (and rewritten only when the
# revision changed, so it triggers no needless recompilation). Outside a git checkout the
# commit is "unknown".
find_package(Git QUIET)
set(MINESIM_BUILD_INFO ${CMAKE_CURRENT_BINARY_DIR}/generated/minesim/build_info.hpp)
add_custom_target(minesim_build_info
  COMMAND ${CMAKE_COMMAND} -DGIT_EXECUTABLE=${GIT_EXECUTABLE}
          -DSOURCE_DIR=${CMAKE_CURRENT_SOURCE_DIR} -DOUTPUT=${MINESIM_BUILD_INFO}
          -DVERSION=${PROJECT_VERSION} -DBUILD_TYPE=${CMAKE_BUILD_TYPE}
          -P ${CMAKE_CURRENT_SOURCE_DIR}/cmake/WriteBuildInfo.cmake
  BYPRODUCTS ${MINESIM_BUILD_INFO}
  COMMENT "Recording the git revision")
