"""analysis/ as an installable package (analysis/pyproject.toml): an editable install into
a virtual environment gives the entry points and `import minesim_io` from anywhere; the
scripts still run as files; and a Python without h5py, numpy, pandas or matplotlib gets
one line that says what to do, with exit status 2, instead of a traceback."""

import os
import re
import subprocess

import pytest

from conftest import ANALYSIS, PYTHON, REPO, write_synthetic_run

try:
    import tomllib
except ImportError:  # Python < 3.11
    tomllib = None

#: Console commands of analysis/pyproject.toml and the function each runs.
ENTRY_POINTS = {
    "minesim-plot-run": "plot_run:main",
    "minesim-plot-batch": "plot_batch:main",
    "minesim-plot-forest": "plot_forest:main",
    "minesim-plot-network": "plot_network:main",
    "minesim-plot-distributions": "plot_distributions:main",
    "minesim-plot-sensitivity": "plot_sensitivity:main",
    "minesim-survey-report": "survey_report:main",
    "minesim-model-results": "model_results:main",
}

#: Scripts that check their packages first, and the packages each names.
CHECKED_SCRIPTS = {
    "plot_run.py": "h5py, numpy, pandas, matplotlib",
    "plot_batch.py": "h5py, numpy, pandas, matplotlib",
    "plot_distributions.py": "h5py, numpy, pandas, matplotlib",
    "plot_network.py": "h5py, numpy, pandas, matplotlib",
    "plot_sensitivity.py": "numpy, matplotlib",
    "survey_report.py": "h5py, numpy, pandas",
    "model_results.py": "h5py, numpy, pandas",
}


def cmake_version():
    text = (REPO / "CMakeLists.txt").read_text()
    match = re.search(r"project\(\s*minesim\s+VERSION\s+([0-9.]+)", text)
    assert match, "no project(minesim VERSION ...) in CMakeLists.txt"
    return match.group(1)


def isolated_env():
    """The environment without anything that would put analysis/ on the path or send pip
    to the network."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV")
           and not k.startswith("PIP_")}
    env.update(PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1",
               PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg")
    return env


def run(command, cwd, timeout=240):
    return subprocess.run([str(c) for c in command], capture_output=True, text=True,
                          cwd=cwd, env=isolated_env(), timeout=timeout)


def python_has(module):
    return run([PYTHON, "-c", f"import {module}"], cwd=REPO).returncode == 0


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    """A virtual environment that sees the system's packages (h5py, numpy, ...), with
    analysis/ installed in editable mode, offline."""
    if not python_has("ensurepip"):
        pytest.skip(f"python3-venv is not installed ({PYTHON} has no ensurepip): "
                    "apt-get install python3-venv")
    root = tmp_path_factory.mktemp("venv") / "env"
    # Debian's pip (python3-pip) is visible through --system-site-packages and installs
    # into the environment; without it the environment gets its own pip from ensurepip.
    create = [PYTHON, "-m", "venv", "--system-site-packages"]
    if python_has("pip"):
        create.append("--without-pip")
    result = run(create + [root], cwd=root.parent)
    assert result.returncode == 0, result.stderr
    python = root / "bin" / "python"
    result = run([python, "-m", "pip", "install", "--no-build-isolation", "--no-deps",
                  "-e", ANALYSIS], cwd=root.parent)
    assert result.returncode == 0, f"pip install -e analysis failed:\n{result.stdout}\n" \
                                   f"{result.stderr}"
    return root


def test_pyproject_matches_the_project():
    """The version is the CMake project's; every module of analysis/ is shipped; the entry
    points are the documented ones."""
    if tomllib is None:
        pytest.skip("needs Python 3.11 (tomllib) to read pyproject.toml")
    project = tomllib.loads((ANALYSIS / "pyproject.toml").read_text())
    assert project["project"]["version"] == cmake_version()
    assert project["project"]["version"].startswith("0.")
    assert project["project"]["scripts"] == ENTRY_POINTS
    modules = sorted(p.stem for p in ANALYSIS.glob("*.py"))
    assert sorted(project["tool"]["setuptools"]["py-modules"]) == modules
    docs = (REPO / "docs" / "analysis.md").read_text()
    for command in ENTRY_POINTS:
        assert f"`{command}`" in docs, f"docs/analysis.md does not list {command}"


def test_installed_package_version(venv, tmp_path):
    result = run([venv / "bin" / "python", "-c",
                  "import importlib.metadata as m; print(m.version('minesim-analysis'))"],
                 cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == cmake_version()


@pytest.mark.parametrize("command", sorted(ENTRY_POINTS))
def test_entry_point_runs(venv, tmp_path, command):
    result = run([venv / "bin" / command, "--help"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: {command}")


def test_import_minesim_io_from_another_directory(venv, tmp_path):
    path = tmp_path / "run.h5"
    write_synthetic_run(path, "baseline", 0, with_attrs=False)
    code = ("import sys, minesim_io, minesim_stats, plot_run\n"
            "assert not any(p.rstrip('/').endswith('analysis') for p in sys.path)\n"
            "run = minesim_io.load_run('run.h5')\n"
            "print(minesim_io.__file__)\n"
            "print(len(run['timeseries']))\n")
    result = run([venv / "bin" / "python", "-c", code], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    where, rows = result.stdout.split()
    assert os.path.samefile(where, ANALYSIS / "minesim_io.py")
    assert int(rows) == 13


def test_scripts_run_as_files_from_anywhere(tmp_path):
    """No install: /usr/bin/python3 analysis/<script> finds its modules beside it."""
    result = run([PYTHON, ANALYSIS / "plot_run.py", "--help"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "RUN.h5" in result.stdout


@pytest.mark.parametrize("script", sorted(CHECKED_SCRIPTS))
def test_missing_packages_give_one_line(script, tmp_path):
    """A Python without the packages (here: /usr/bin/python3 -S, which leaves Debian's
    dist-packages off the path) gets one line and exit status 2, not a traceback."""
    result = run([PYTHON, "-S", ANALYSIS / script, "--help"], cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    line = lines[0]
    assert line.startswith(f"{script}: needs {CHECKED_SCRIPTS[script]} (")
    assert "run with /usr/bin/python3 (Debian's python3-" in line
    assert line.endswith("or pip install -e analysis")


def test_a_venv_without_the_packages_gets_the_message(tmp_path):
    """The case of the issue: another python3, without h5py, first on PATH."""
    bare = tmp_path / "bare"
    created = run([PYTHON, "-m", "venv", "--without-pip", bare], cwd=tmp_path)
    if created.returncode != 0:
        pytest.skip(f"cannot create a bare virtual environment: {created.stderr.strip()}")
    python = bare / "bin" / "python"
    if run([python, "-c", "import h5py"], cwd=tmp_path).returncode == 0:
        pytest.skip("h5py is importable without the system's packages here")
    result = run([python, ANALYSIS / "plot_batch.py", str(tmp_path), "-o", "x.png"],
                 cwd=tmp_path)
    assert result.returncode == 2
    assert "h5py" in result.stderr and "pip install -e analysis" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_the_check_itself():
    """minesim_deps names what is missing and nothing when all is there."""
    import minesim_deps

    assert minesim_deps.missing(["json", "no_such_module_xyz"]) == ["no_such_module_xyz"]
    text = minesim_deps.message("x.py", ["h5py", "numpy"], ["h5py"], executable="/opt/py")
    assert text == ("x.py: needs h5py, numpy (h5py cannot be imported by /opt/py): run with "
                    "/usr/bin/python3 (Debian's python3-h5py, python3-numpy) or "
                    "pip install -e analysis")
    minesim_deps.require("x.py", ("json",))  # returns
    with pytest.raises(SystemExit) as stop:
        minesim_deps.require("x.py", ("no_such_module_xyz",))
    assert stop.value.code == 2
