# Script mode (cmake -P): writes OUTPUT from build_info.hpp.in with the current revision.
set(MINESIM_GIT_COMMIT "unknown")
if(GIT_EXECUTABLE AND EXISTS "${SOURCE_DIR}/.git")
  execute_process(COMMAND ${GIT_EXECUTABLE} describe --always --dirty --abbrev=12
                  WORKING_DIRECTORY ${SOURCE_DIR}
                  OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE
                  ERROR_QUIET RESULT_VARIABLE result)
  if(result EQUAL 0 AND NOT commit STREQUAL "")
    set(MINESIM_GIT_COMMIT ${commit})
  endif()
endif()
set(PROJECT_VERSION ${VERSION})
set(CMAKE_BUILD_TYPE ${BUILD_TYPE})
configure_file(${SOURCE_DIR}/cmake/build_info.hpp.in ${OUTPUT}.tmp @ONLY)
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUTPUT}.tmp)
