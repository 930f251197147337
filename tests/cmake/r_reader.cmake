# The R reader analysis/R/read_run.R (hdf5r; label: integration): a tiny run's time series and
# a tiny batch's index read from R agree with h5py (tests/integration/r_reader.sh).
add_test(NAME analysis_r_reader
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/r_reader.sh ${MINESIM_EXE}
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(analysis_r_reader PROPERTIES LABELS integration TIMEOUT 120
                     ENVIRONMENT OMP_NUM_THREADS=1)
