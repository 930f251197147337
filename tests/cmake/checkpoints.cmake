# Checkpoints and resume (docs/checkpoints.md; label integration): a run killed with SIGKILL
# at random steps and resumed on 1, 2 and mixed thread counts ends bit-identical to an
# uninterrupted run; SIGTERM writes a checkpoint and leaves a readable .partial file; a
# truncated, corrupt, foreign or mismatched checkpoint is refused with exit 2; a damaged
# .partial file makes --resume start again from step 0, with the same result
# (tests/integration/resume.sh; each case under half a minute).
foreach(case kill_resume sigterm_checkpoint corrupt_checkpoint damaged_partial)
  add_test(NAME resume_${case}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/resume.sh ${MINESIM_EXE} ${case}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(resume_${case} PROPERTIES LABELS "integration;hardening" TIMEOUT 300)
endforeach()

# The soak test of killed batches, reduced: 40 runs and 6 kills (whole batch, every process
# under mpirun, single worker ranks), about 25 s. The full one, 200 runs and 20 kills, is
# `tests/integration/soak.sh build/minesim 200 20` (docs/checkpoints.md).
add_test(NAME soak_reduced
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/soak.sh ${MINESIM_EXE} 40 6
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(soak_reduced PROPERTIES LABELS "integration;batch" TIMEOUT 600)
