# The package lists of scripts/install-deps.sh (runtime, analysis, test) and the commands
# that use them (label: integration).
add_test(NAME package_lists
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/package_lists.sh
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(package_lists PROPERTIES LABELS integration TIMEOUT 120)
