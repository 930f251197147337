# Malformed scenarios (tests/data/bad): each must make `minesim run` exit with code 2 and one
# line on stderr naming file, line and key, and leave no output file. The corpus is passed
# relative to the source root so the messages show paths as a user in the checkout sees them.
file(RELATIVE_PATH minesim_bad_corpus ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/data/bad)
add_test(NAME bad_input
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/bad_input.sh ${MINESIM_EXE}
                 ${minesim_bad_corpus}
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(bad_input PROPERTIES LABELS integration TIMEOUT 900)
