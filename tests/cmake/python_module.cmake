# The Python module (python/, docs/python.md) and the notebook that uses it, where the build
# has the module (MINESIM_BUILD_PYTHON=ON, as scripts/test.sh builds it; label: integration).
# The module is imported from the build tree's python/ folder; the tests compare it with the
# minesim executable of the same build.
if(TARGET minesim_python)
  add_test(NAME python_module
           COMMAND ${MINESIM_PYTHON} -m pytest -q -p no:cacheprovider tests/python_api
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  # The notebook, executed as a reader would run it: a failing cell fails the test. The
  # executed copy (with its figures) is left in the build tree.
  add_test(NAME notebook_compare_compensation
           COMMAND ${MINESIM_PYTHON} -m nbconvert --to notebook --execute
                   --ExecutePreprocessor.timeout=600
                   --output-dir ${CMAKE_BINARY_DIR}/notebooks
                   analysis/notebooks/compare_compensation.ipynb
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(python_module notebook_compare_compensation PROPERTIES
    LABELS integration
    TIMEOUT 600
    ENVIRONMENT "PYTHONPATH=${CMAKE_BINARY_DIR}/python;MINESIM_EXE=${MINESIM_EXE};PYTHONDONTWRITEBYTECODE=1")
endif()
