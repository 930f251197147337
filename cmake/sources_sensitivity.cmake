# sensitivity: designs (Sobol' sequence, Saltelli, Morris), parameter distributions, index
# estimators with bootstrap intervals, analytic test functions, and the ABC-SMC sampler of
# calibration (docs/sensitivity.md). Pure numerics over the engine; the batch layer reads
# study files with its distributions, and the app runs studies through the batch runner.
file(GLOB minesim_sensitivity_sources CONFIGURE_DEPENDS
     ${CMAKE_CURRENT_SOURCE_DIR}/src/sensitivity/*.cpp)
add_library(minesim_sensitivity ${minesim_sensitivity_sources})
minesim_layer(minesim_sensitivity sensitivity src/sensitivity)
target_link_libraries(minesim_sensitivity PUBLIC minesim_engine Eigen3::Eigen)
target_link_libraries(minesim_batch PUBLIC minesim_sensitivity)
