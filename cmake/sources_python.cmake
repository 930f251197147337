# The Python module (docs/python.md), built with pybind11 when MINESIM_BUILD_PYTHON=ON. The
# build tree's python/ folder is then an importable package beside the analysis readers it
# re-exports:
#   PYTHONPATH=build/python /usr/bin/python3 -c "import minesim"
# and `cmake --install` puts the same in PREFIX/lib/python3.X/dist-packages, which Debian's
# python3 searches for the default prefix /usr/local (MINESIM_PYTHON_INSTALL_DIR to change).
option(MINESIM_BUILD_PYTHON "Build the Python module minesim (pybind11)" OFF)
if(MINESIM_BUILD_PYTHON)
  # Debian's python3, which has the analysis stack (numpy, pandas, scipy, h5py), rather than
  # whatever python3 comes first on PATH; -DPython3_EXECUTABLE=... chooses another.
  if(NOT DEFINED Python3_EXECUTABLE AND EXISTS /usr/bin/python3)
    set(Python3_EXECUTABLE /usr/bin/python3)
  endif()
  find_package(Python3 3.9 REQUIRED COMPONENTS Interpreter Development.Module)
  find_package(pybind11 2.6 REQUIRED CONFIG) # uses the Python3 found above

  # A shared module takes in the static layers: they must be position-independent code.
  foreach(target minesim_engine minesim_scenario minesim_network minesim_agents minesim_model
                 minesim_io minesim_batch minesim_app)
    set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  endforeach()

  set(minesim_python_dir ${CMAKE_CURRENT_BINARY_DIR}/python)
  # NO_EXTRAS: no link-time optimisation or stripping, so the module runs the same code as
  # the command line.
  pybind11_add_module(minesim_python MODULE NO_EXTRAS python/src/module.cpp
                      python/src/columns.cpp)
  minesim_layer(minesim_python python python)
  target_link_libraries(minesim_python PRIVATE minesim_app)
  set_target_properties(minesim_python PROPERTIES
    OUTPUT_NAME _minesim
    LIBRARY_OUTPUT_DIRECTORY ${minesim_python_dir}/minesim
    CXX_VISIBILITY_PRESET hidden
    INSTALL_RPATH_USE_LINK_PATH TRUE)

  # The package's Python files, and the readers from analysis/ it imports, copied beside
  # the module (configure_file reruns CMake when one changes).
  file(GLOB minesim_python_sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/python/minesim/*.py)
  set(minesim_python_readers ${PROJECT_SOURCE_DIR}/analysis/minesim_io.py
                             ${PROJECT_SOURCE_DIR}/analysis/minesim_labels.py)
  foreach(file IN LISTS minesim_python_sources)
    get_filename_component(name ${file} NAME)
    configure_file(${file} ${minesim_python_dir}/minesim/${name} COPYONLY)
  endforeach()
  foreach(file IN LISTS minesim_python_readers)
    get_filename_component(name ${file} NAME)
    configure_file(${file} ${minesim_python_dir}/${name} COPYONLY)
  endforeach()

  set(MINESIM_PYTHON_INSTALL_DIR
      lib/python${Python3_VERSION_MAJOR}.${Python3_VERSION_MINOR}/dist-packages
      CACHE STRING "Where `cmake --install` puts the Python module, relative to the prefix")
  install(TARGETS minesim_python LIBRARY DESTINATION ${MINESIM_PYTHON_INSTALL_DIR}/minesim)
  install(FILES ${minesim_python_sources} DESTINATION ${MINESIM_PYTHON_INSTALL_DIR}/minesim)
  install(FILES ${minesim_python_readers} DESTINATION ${MINESIM_PYTHON_INSTALL_DIR})
endif()
