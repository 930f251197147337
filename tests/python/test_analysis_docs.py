"""docs/analysis.md against the code: its Python examples run as written (on a synthetic
run and batch, and on the tiny real ones when MINESIM_EXE is set), and every option its
table of scripts names is one the script accepts."""

import os
import re
import shutil

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import model_results  # noqa: E402
import plot_batch  # noqa: E402
import plot_distributions  # noqa: E402
import plot_forest  # noqa: E402
import plot_network  # noqa: E402
import plot_run  # noqa: E402
import plot_sensitivity  # noqa: E402
import survey_report  # noqa: E402
from conftest import (REPO, add_survey, make_synthetic_batch,  # noqa: E402
                      write_region_run)

DOC = REPO / "docs" / "analysis.md"
SCRIPTS = {"plot_run.py": plot_run, "plot_batch.py": plot_batch, "plot_forest.py": plot_forest,
           "plot_distributions.py": plot_distributions, "plot_network.py": plot_network,
           "plot_sensitivity.py": plot_sensitivity, "survey_report.py": survey_report,
           "model_results.py": model_results}


def python_examples():
    """The ```python blocks of docs/analysis.md, in order."""
    return re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)


def synthetic_files(directory):
    """base.h5 (a run with a panel, a calendar and a survey at its last step) and
    results/sweep (a batch with an arm 'baseline')."""
    run = directory / "base.h5"
    write_region_run(run, calendar=[{"step": 12, "action": "close_mine", "mine": 4}])
    add_survey(run, 24, np.random.default_rng(3).random((300, 5)), np.arange(300))
    make_synthetic_batch(directory / "results" / "sweep", "columns")


def real_files(directory, request):
    """The tiny run (with a survey) and the tiny batch of the executable."""
    run = request.getfixturevalue("tiny_run_with_survey")
    batch = request.getfixturevalue("tiny_batch")
    shutil.copy(run, directory / "base.h5")
    (directory / "results").mkdir()
    os.symlink(batch, directory / "results" / "sweep")


@pytest.mark.parametrize("files", ["synthetic", "minesim"])
def test_python_examples_run(files, tmp_path, monkeypatch, request):
    examples = python_examples()
    assert len(examples) >= 3
    if files == "synthetic":
        synthetic_files(tmp_path)
    else:
        real_files(tmp_path, request)
    monkeypatch.chdir(tmp_path)
    namespace = {}
    for number, code in enumerate(examples, 1):
        # Each block runs as written; the namespace carries over, as in one session.
        exec(compile(code, f"docs/analysis.md python example {number}", "exec"), namespace)
    assert namespace["snap"].attrs["step"] <= 120
    assert namespace["survey"]["items"][namespace["last"]].shape[1] == 20
    assert "baseline" in set(namespace["batch"]["final"]["arm"])
    if files == "synthetic":
        events = namespace["minesim_io"].calendar_events(namespace["run"])
        assert list(events["label"]) == ["close mine 4"]


def test_examples_need_no_path_edits():
    """The examples import the installed or adjacent module, not a sys.path edit."""
    for code in python_examples():
        assert "sys.path" not in code


def documented_options():
    """{script: [options]} from the table of scripts in docs/analysis.md."""
    options = {}
    for line in DOC.read_text().splitlines():
        match = re.match(r"\| `analysis/(\w+\.py) ([^`]*)`", line)
        if match:
            options[match.group(1)] = re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", match.group(2))
    return options


def test_the_table_of_scripts_lists_every_script():
    assert set(documented_options()) == set(SCRIPTS)


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_documented_options_exist(script, capsys):
    with pytest.raises(SystemExit) as stop:
        SCRIPTS[script].main(["--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    for option in documented_options()[script]:
        assert re.search(rf"(?<![\w-]){re.escape(option)}\b", text), (script, option)
