# `cmake --install` of this build tree into a scratch prefix, then a run that uses only what
# was installed (label: install). Nothing is rebuilt: the test needs the minesim target only.
add_test(NAME install_prefix
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/install.sh ${CMAKE_COMMAND}
                 ${CMAKE_BINARY_DIR} ${MINESIM_EXE} ${MINESIM_PYTHON}
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(install_prefix PROPERTIES LABELS "integration;install" TIMEOUT 120)
