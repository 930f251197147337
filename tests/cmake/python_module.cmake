# The Python module (python/, docs/python.md), where the build
# has the module (MINESIM_BUILD_PYTHON=ON, as scripts/test.sh builds it; label: integration).
# The module is imported from the build tree's python/ folder; the tests compare it with the
# minesim executable of the same build.
if(TARGET minesim_python)
  add_test(NAME python_module
           COMMAND ${MINESIM_PYTHON} -m pytest -q -p no:cacheprovider tests/python_api
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(python_module PROPERTIES
    LABELS integration
    TIMEOUT 600
    ENVIRONMENT "PYTHONPATH=${CMAKE_BINARY_DIR}/python;MINESIM_EXE=${MINESIM_EXE};PYTHONDONTWRITEBYTECODE=1")
endif()
