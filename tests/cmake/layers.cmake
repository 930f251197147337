# The layers of docs/architecture.md: the include graph between folders, the checker's own
# refusals, and the build refusing an upward include.
add_test(NAME layers_include_graph
         COMMAND ${MINESIM_PYTHON} ${PROJECT_SOURCE_DIR}/tests/layers/check_includes.py
                 ${PROJECT_SOURCE_DIR})
add_test(NAME layers_checker_refuses
         COMMAND ${MINESIM_PYTHON} ${PROJECT_SOURCE_DIR}/tests/layers/checker_selftest.py)
add_library(minesim_layer_probe OBJECT EXCLUDE_FROM_ALL
            ${PROJECT_SOURCE_DIR}/tests/layers/engine_includes_model.cpp)
target_link_libraries(minesim_layer_probe PRIVATE minesim_engine)
add_test(NAME layers_upward_include_fails
         COMMAND ${CMAKE_COMMAND} --build ${PROJECT_BINARY_DIR} --target minesim_layer_probe)
set_tests_properties(layers_include_graph layers_checker_refuses layers_upward_include_fails
                     PROPERTIES LABELS unit)
set_tests_properties(layers_upward_include_fails PROPERTIES
                     PASS_REGULAR_EXPRESSION "model/world.hpp: No such file or directory")
