# The analysis scripts and their Python module (tests/python, pytest; label: integration).
# MINESIM_EXE lets the tests make a tiny run and a tiny batch with the built executable.
# pytest's exit status is CTest's verdict: 0 all passed (skips included), 1 a test failed,
# 2-4 pytest itself failed (bad usage, import error, interrupted), and 5 "no tests
# collected", which here means the suite was lost (moved, renamed, or deselected by
# PYTEST_ADDOPTS) and is a failure too, never a silent pass. No cache or bytecode is
# written into the source tree.
add_test(NAME analysis_pytest
         COMMAND ${MINESIM_PYTHON} -m pytest -q -p no:cacheprovider tests/python
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(analysis_pytest PROPERTIES
  LABELS integration
  TIMEOUT 600
  ENVIRONMENT "MINESIM_EXE=${MINESIM_EXE};PYTHONDONTWRITEBYTECODE=1;MPLBACKEND=Agg;OMP_NUM_THREADS=1")
