# Output beyond the run file (label: integration; the two on the tiny batch also: batch):
# `minesim compare --stat` on the tiny batch against numpy, `minesim export` of a batch and
# of a run against h5py and h5dump, and the output names `minesim run` refuses
# (tests/integration/export.sh; each case a few seconds).
foreach(case compare_stat batch run run_output_name)
  add_test(NAME export_${case}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/export.sh ${MINESIM_EXE} ${case}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(export_${case} PROPERTIES LABELS integration TIMEOUT 300)
endforeach()
set_tests_properties(export_compare_stat export_batch PROPERTIES LABELS "integration;batch")
