# The analysis scripts and their Python module (tests/python, pytest; label: integration).
# MINESIM_EXE lets the tests make a tiny run and a tiny batch with the built executable.
# pytest's exit status is CTest's verdict: 0 all passed (skips included), 1 a test failed,
# 2-4 pytest itself failed (bad usage, import error, interrupted), and 5 "no tests
# collected", which here means the suite was lost (moved, renamed, or deselected by
# PYTEST_ADDOPTS) and is a failure too, never a silent pass. No cache or bytecode is
# written into the source tree.
# The sensitivity and calibration tests (reduced studies, about a minute) are a test of
# their own, so that CTest runs them beside the rest of the suite.
add_test(NAME analysis_pytest
         COMMAND ${MINESIM_PYTHON} -m pytest -q -p no:cacheprovider tests/python
                 --ignore=tests/python/test_sensitivity.py
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
add_test(NAME sensitivity_pytest
         COMMAND ${MINESIM_PYTHON} -m pytest -q -p no:cacheprovider
                 tests/python/test_sensitivity.py
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
# The two longest tests of the suite: COST starts them first, so that CTest's other slot
# works through the short tests beside them instead of waiting on them at the end.
set_tests_properties(analysis_pytest sensitivity_pytest PROPERTIES
  LABELS integration
  COST 1000
  TIMEOUT 600
  ENVIRONMENT "MINESIM_EXE=${MINESIM_EXE};PYTHONDONTWRITEBYTECODE=1;MPLBACKEND=Agg;OMP_NUM_THREADS=1")
