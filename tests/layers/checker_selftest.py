#!/usr/bin/env python3
"""The include checker must refuse what it is meant to refuse: an upward include, HDF5
outside io, Boost.Graph outside network, and a climbing relative include."""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = [
    ("src/engine/a.hpp", '#include "model/world.hpp"\n', "from the model layer above it"),
    ("model/a.cpp", "#include <H5Cpp.h>\n", "belongs to the io layer only"),
    ("agents/a.cpp", "#include <boost/graph/adjacency_list.hpp>\n", "belongs to the network layer only"),
    ("src/batch/a.cpp", '#include "../../app/main.hpp"\n', "climbs out of its folder"),
    ("src/io/a.cpp", '#include "model/world.hpp"\n', "from the model layer above it"),
]

failures = 0
for path, text, expected in CASES:
    with tempfile.TemporaryDirectory() as root:
        os.makedirs(os.path.join(root, os.path.dirname(path)))
        with open(os.path.join(root, path), "w") as f:
            f.write(text)
        r = subprocess.run([sys.executable, os.path.join(HERE, "check_includes.py"), root],
                           capture_output=True, text=True)
        if r.returncode != 1 or expected not in r.stderr:
            print(f"FAIL {path}: rc {r.returncode}, stderr {r.stderr!r}")
            failures += 1
        else:
            print(f"ok   {path}: {r.stderr.strip()}")
# A clean file passes.
with tempfile.TemporaryDirectory() as root:
    os.makedirs(os.path.join(root, "model"))
    with open(os.path.join(root, "model/a.cpp"), "w") as f:
        f.write('#include "agents/resident/household.hpp"\n#include "engine/random.hpp"\n')
    r = subprocess.run([sys.executable, os.path.join(HERE, "check_includes.py"), root],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(f"FAIL clean tree: rc {r.returncode}, {r.stderr!r}")
        failures += 1
sys.exit(1 if failures else 0)
