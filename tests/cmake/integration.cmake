# End-to-end tests of the minesim executable (label: integration).
foreach(case baseline_layout threads_identical resolved_reruns seed_option refuses_overwrite
             unwritable_output interrupt_leaves_nothing check_command command_line rerun output_estimate
             plot
             three_counties)
  add_test(NAME e2e_${case}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/end_to_end.sh ${MINESIM_EXE} ${case}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(e2e_${case} PROPERTIES LABELS integration TIMEOUT 900)
endforeach()
set_tests_properties(e2e_threads_identical PROPERTIES LABELS "integration;regression")
