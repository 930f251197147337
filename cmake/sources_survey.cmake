# The virtual survey (MODEL.md §4.10): generic questionnaire statistics in the engine
# (src/survey, Eigen and Boost.Math), the survey of households among the residents' rules.
target_sources(minesim_engine PRIVATE src/survey/statistics.cpp)
# Eigen's own OpenMP products pick their blocking by thread count, which would change the
# last bits of survey statistics with the thread count; the survey parallelizes over
# bootstrap resamples instead.
target_link_libraries(minesim_engine PUBLIC Eigen3::Eigen)
target_compile_definitions(minesim_engine PUBLIC EIGEN_DONT_PARALLELIZE)

target_sources(minesim_agents PRIVATE agents/resident/survey.cpp)
