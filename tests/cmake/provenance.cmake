# Provenance of run files and batch indexes (tests/integration/provenance.sh): the command line,
# scenario path and overrides of a run (label integration); the batch file, arm, replicate and
# resolved scenario of a batch's runs, and the git commit of the binary that wrote index.h5
# (labels integration and batch).
foreach(case run_command_line batch_runs index_commit)
  add_test(NAME provenance_${case}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/provenance.sh ${MINESIM_EXE} ${case}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(provenance_${case} PROPERTIES LABELS integration TIMEOUT 120
                       ENVIRONMENT OMP_NUM_THREADS=1)
endforeach()
set_tests_properties(provenance_batch_runs provenance_index_commit PROPERTIES
                     LABELS "integration;batch")
