"""The packages the analysis scripts need, checked before a script imports them.

A script run by a Python that lacks one of them (a conda or venv ``python3`` first on PATH,
without h5py) stops with one line that says what is missing and how to get it, and exit
status 2, instead of a traceback. This module needs the standard library only.
"""

import importlib
import sys

#: Import name -> the Debian package that provides it for /usr/bin/python3.
DEBIAN_PACKAGES = {
    "h5py": "python3-h5py",
    "numpy": "python3-numpy",
    "pandas": "python3-pandas",
    "matplotlib": "python3-matplotlib",
}

#: What every plotting script needs.
PLOTTING = ("h5py", "numpy", "pandas", "matplotlib")


def missing(modules):
    """The names in ``modules`` that this Python cannot import, in the given order."""
    absent = []
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # ImportError, or a broken build that fails while importing
            absent.append(name)
    return absent


def message(script, modules, absent, executable=None):
    """The one line printed when ``absent`` (a subset of ``modules``) cannot be imported."""
    executable = executable or sys.executable or "this python"
    packages = ", ".join(DEBIAN_PACKAGES.get(m, f"python3-{m}") for m in modules)
    return (f"{script}: needs {', '.join(modules)} ({', '.join(absent)} cannot be imported "
            f"by {executable}): run with /usr/bin/python3 (Debian's {packages}) or "
            f"pip install -e analysis")


def require(script, modules=PLOTTING):
    """Return quietly when every module imports; otherwise print ``message`` to stderr and
    exit with status 2."""
    absent = missing(modules)
    if absent:
        print(message(script, list(modules), absent), file=sys.stderr)
        raise SystemExit(2)
