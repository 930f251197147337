# Records the source revision in a generated header so that every run file names the code
# that produced it. Outside a git checkout the commit is "unknown".
find_package(Git QUIET)
set(MINESIM_GIT_COMMIT "unknown")
if(GIT_FOUND AND EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/.git")
  execute_process(COMMAND ${GIT_EXECUTABLE} describe --always --dirty --abbrev=12
                  WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
                  OUTPUT_VARIABLE MINESIM_GIT_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE
                  ERROR_QUIET RESULT_VARIABLE git_result)
  if(NOT git_result EQUAL 0 OR MINESIM_GIT_COMMIT STREQUAL "")
    set(MINESIM_GIT_COMMIT "unknown")
  endif()
endif()
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/cmake/build_info.hpp.in
               ${CMAKE_CURRENT_BINARY_DIR}/generated/minesim/build_info.hpp @ONLY)
