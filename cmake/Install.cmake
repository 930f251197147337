# Installation: `cmake --install BUILD --prefix PREFIX` (docs/cluster.md) puts
#
#   PREFIX/bin/minesim                          the command line
#   PREFIX/share/minesim/scenarios/             scenario and batch files, PARAMETERS.md, and
#                                               the Slurm job scripts (batches/*.sbatch)
#   PREFIX/share/minesim/analysis/              the analysis scripts, run where they lie (they
#                                               import minesim_io from their own folder), and
#                                               the notebooks
#   PREFIX/lib/python3.X/dist-packages/         the Python module, when built
#                                               (cmake/sources_python.cmake)
#   PREFIX/share/doc/minesim/                   docs/*.md and docs/img
#
# The tree keeps the layout of the repository below share/minesim, so batch and study files
# still find their scenario (`scenario = "../baseline.toml"`). Included by the top-level
# CMakeLists.txt once every target exists.
include(GNUInstallDirs)
set(MINESIM_INSTALL_DATADIR ${CMAKE_INSTALL_DATADIR}/minesim)

# --- the executable ---------------------------------------------------------------------
# The project's libraries are static by default, so the installed binary needs nothing from
# the build tree; what it links dynamically (HDF5, Open MPI, OpenMP, the C++ runtime) comes
# from the system or from a module. Directories of those libraries outside the compiler's
# own search path (a module's prefix, Debian's openmpi/lib) are kept as the installed
# binary's run path, so it still runs after `module purge` or from a job that loads nothing.
install(TARGETS minesim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
set_target_properties(minesim PROPERTIES INSTALL_RPATH_USE_LINK_PATH TRUE)

# With -DBUILD_SHARED_LIBS=ON the layers are shared libraries: install them too, and find
# them relative to the binary ($ORIGIN), so that PREFIX can still be moved.
get_directory_property(minesim_targets DIRECTORY ${PROJECT_SOURCE_DIR} BUILDSYSTEM_TARGETS)
set(minesim_shared_libraries "")
foreach(target IN LISTS minesim_targets)
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "SHARED_LIBRARY")
    list(APPEND minesim_shared_libraries ${target})
  endif()
endforeach()
if(minesim_shared_libraries)
  install(TARGETS ${minesim_shared_libraries} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  file(RELATIVE_PATH minesim_bin_to_lib /${CMAKE_INSTALL_BINDIR} /${CMAKE_INSTALL_LIBDIR})
  set_target_properties(minesim PROPERTIES INSTALL_RPATH "$ORIGIN/${minesim_bin_to_lib}")
  set_target_properties(${minesim_shared_libraries} PROPERTIES INSTALL_RPATH "$ORIGIN"
                        INSTALL_RPATH_USE_LINK_PATH TRUE)
endif()

# --- scenarios and job scripts ------------------------------------------------------------
install(DIRECTORY ${PROJECT_SOURCE_DIR}/scenarios/ DESTINATION ${MINESIM_INSTALL_DATADIR}/scenarios)

# --- analysis scripts ---------------------------------------------------------------------
# A script that starts with #! is installed executable, whatever its mode in the checkout;
# modules (minesim_io.py, ...), pyproject.toml and the readme it names are plain files, so
# `pip install PREFIX/share/minesim/analysis` works as from the checkout. An R/ folder,
# where there is one, goes as it is.
file(GLOB minesim_analysis_files CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/analysis/*.py
     ${PROJECT_SOURCE_DIR}/analysis/*.md ${PROJECT_SOURCE_DIR}/analysis/pyproject.toml)
foreach(file IN LISTS minesim_analysis_files)
  file(READ ${file} head LIMIT 2 HEX) # "#!" (text mode may add a newline to what it read)
  if(head STREQUAL "2321")
    install(PROGRAMS ${file} DESTINATION ${MINESIM_INSTALL_DATADIR}/analysis)
  else()
    install(FILES ${file} DESTINATION ${MINESIM_INSTALL_DATADIR}/analysis)
  endif()
endforeach()
# The notebooks keep their place two folders below the scenarios they read.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/analysis/notebooks
        DESTINATION ${MINESIM_INSTALL_DATADIR}/analysis OPTIONAL
        PATTERN ".ipynb_checkpoints" EXCLUDE)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/analysis/R DESTINATION ${MINESIM_INSTALL_DATADIR}/analysis
        OPTIONAL USE_SOURCE_PERMISSIONS
        PATTERN ".Rhistory" EXCLUDE PATTERN ".RData" EXCLUDE PATTERN ".Rproj.user" EXCLUDE)

# --- documentation ------------------------------------------------------------------------
file(GLOB minesim_docs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/*.md)
install(FILES ${minesim_docs} DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/img DESTINATION ${CMAKE_INSTALL_DOCDIR})
