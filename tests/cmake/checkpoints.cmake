# Checkpoints and resume (docs/checkpoints.md; label integration): a run killed with SIGKILL
# at random steps and resumed on 1, 2 and mixed thread counts ends bit-identical to an
# uninterrupted run; SIGTERM writes a checkpoint and leaves a readable .partial file; a
# truncated, corrupt, foreign or mismatched checkpoint is refused with exit 2
# (tests/integration/resume.sh; each case under half a minute).
foreach(case kill_resume sigterm_checkpoint corrupt_checkpoint)
  add_test(NAME resume_${case}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/resume.sh ${MINESIM_EXE} ${case}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(resume_${case} PROPERTIES LABELS "integration;hardening" TIMEOUT 300)
endforeach()
