#!/usr/bin/env python3
"""Check the include graph between minesim's layers (docs/architecture.md).

From the bottom: engine; scenario and network; agents; model; io; batch; app; the Python
module (python/). A file may include headers of its own layer and of the layers below it,
never above. HDF5 headers belong to io alone and Boost.Graph to network alone. Relative includes that climb out of a
folder ("../") are refused, since they would bypass the include roots the build enforces.

    check_includes.py [ROOT]          check, exit 1 on a violation
    check_includes.py --table [ROOT]  also print the folder-to-folder include counts
"""
import collections
import os
import re
import sys

# Folder of each layer, and the layers each may include (its own is always allowed).
LAYERS = {
    "engine": ("src/engine", set()),
    "scenario": ("src/scenario", {"engine"}),
    "network": ("src/network", {"engine"}),
    "agents": ("agents", {"engine", "scenario", "network"}),
    "model": ("model", {"engine", "scenario", "network", "agents"}),
    "sensitivity": ("src/sensitivity", {"engine"}),
    "io": ("src/io", {"engine"}),
    "batch": ("src/batch", {"engine", "scenario", "io", "sensitivity"}),
    "app": ("app", {"engine", "scenario", "network", "agents", "model", "sensitivity", "io",
                    "batch"}),
    # The Python module: the command line's library and everything below it.
    "python": ("python", {"engine", "scenario", "network", "agents", "model", "sensitivity",
                          "io", "batch", "app"}),
}
# Third-party headers confined to one layer.
CONFINED = {"H5Cpp.h": "io", "hdf5.h": "io", "H5": "io", "boost/graph/": "network"}

INCLUDE = re.compile(r'^\s*#\s*include\s+([<"])([^>"]+)[>"]')


def layer_of(path):
    for name, (folder, _) in LAYERS.items():
        if path == folder or path.startswith(folder + "/"):
            return name
    return None


def main(argv):
    table = "--table" in argv
    args = [a for a in argv if a != "--table"]
    root = os.path.abspath(args[0] if args else os.path.join(os.path.dirname(__file__), "../.."))
    problems = []
    edges = collections.Counter()
    files = 0
    for name, (folder, allowed) in LAYERS.items():
        for dirpath, _, names in os.walk(os.path.join(root, folder)):
            for fname in sorted(names):
                if not fname.endswith((".cpp", ".hpp", ".h")):
                    continue
                path = os.path.relpath(os.path.join(dirpath, fname), root)
                files += 1
                with open(os.path.join(root, path), encoding="utf-8") as f:
                    for lineno, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        kind, target = m.groups()
                        where = f"{path}:{lineno}"
                        if ".." in target.split("/"):
                            problems.append(f"{where}: relative include '{target}' climbs out of its folder")
                            continue
                        for prefix, owner in CONFINED.items():
                            if target.startswith(prefix) and name != owner:
                                problems.append(f"{where}: <{target}> belongs to the {owner} layer only")
                        if kind != '"':
                            continue
                        first = target.split("/")[0]
                        if first not in LAYERS:
                            continue  # a header beside the file, or a generated one
                        edges[(name, first)] += 1
                        if first != name and first not in allowed:
                            problems.append(f"{where}: the {name} layer includes '{target}' from the {first} layer above it")
    if table:
        print(f"{'from':10s} {'includes':10s} {'count':>5s}")
        for (a, b), n in sorted(edges.items(), key=lambda e: (list(LAYERS).index(e[0][0]), list(LAYERS).index(e[0][1]))):
            if a != b:
                print(f"{a:10s} {b:10s} {n:5d}")
    for p in problems:
        print(p, file=sys.stderr)
    if files == 0:
        print(f"no source files under {root}", file=sys.stderr)
        return 1
    print(f"{files} files, {sum(edges.values())} includes between project headers, {len(problems)} violations")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
