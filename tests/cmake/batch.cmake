# Batches end to end (label: batch): the tiny batch (scenarios/batches/tiny.toml, 2 arms x 3
# replicates, each run well under a second) run serially, on 2 workers and with mpirun -np 2;
# killed and resumed; an MPI rank killed mid-batch; sharded and merged; rejected or failing
# runs; check and compare; and a sensitivity study and a calibration spread over MPI ranks.
foreach(case modes_identical resume_after_kill rank_death interrupt_resume shards_merge
             bad_override runtime_failure other_batch_refused check_batch command_line_changes
             compare studies_mpi)
  add_test(NAME batch_${case}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/batch.sh ${MINESIM_EXE} ${case}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(batch_${case} PROPERTIES LABELS "integration;batch" TIMEOUT 300)
endforeach()

# A real Slurm job array on a one-node cluster that the test starts and stops itself. It
# exits 77 (reported as skipped, not passed) where Slurm or munge is not installed.
add_test(NAME batch_slurm_array
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/batch_slurm.sh ${MINESIM_EXE}
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(batch_slurm_array PROPERTIES LABELS "integration;batch;slurm" TIMEOUT 300
                     SKIP_RETURN_CODE 77)
