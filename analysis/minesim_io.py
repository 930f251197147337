"""Read minesim HDF5 run files (the contract is OUTPUT.md at the repository root).

Scripts in this folder import it directly (``import minesim_io``); it needs only
Debian's h5py, numpy and pandas.

Example::

    run = minesim_io.load_run("run.h5")
    run["timeseries"]["restoration_rate"].plot()
    print(run["attrs"]["seed"], run["units"]["damaged_ha"])
"""

import h5py
import numpy as np
import pandas as pd

__all__ = ["load_run", "is_complete", "python_value"]


def python_value(value):
    """Convert an HDF5 attribute value to a plain Python value.

    Strings (``bytes`` from fixed-length ASCII attributes, ``str`` from variable-length
    ones) become ``str``; numpy scalars become ``int``/``float``/``bool``; arrays become
    lists of such values.
    """
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, np.ndarray):
        return [python_value(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return python_value(value.item())
    return value


def is_complete(path):
    """Return True if ``path`` is a readable run file whose root ``status`` is "complete".

    False for a missing, unreadable or truncated file, and for an interrupted run (one
    without ``status = "complete"``). Never raises for a bad file.
    """
    try:
        with h5py.File(path, "r") as f:
            return python_value(f.attrs.get("status")) == "complete"
    except Exception:  # any failure to read means "not a complete run"
        return False


def load_run(path):
    """Load a run file into plain Python and pandas objects.

    Returns a dict with:

    ``attrs``
        root attributes (schema_version, seed, steps, status, ...) as str/int/float;
    ``timeseries``
        DataFrame indexed by step 0..steps (index name "step"), one float column per
        dataset under /timeseries;
    ``units``, ``descriptions``
        dicts metric name -> the dataset's ``units`` / ``description`` attribute;
    ``panel``
        dict field -> DataFrame [snapshot step x household id] from /panel/households
        (empty when the run sampled no panel households);
    ``panel_units``
        dict field -> units of each panel field;
    ``timings``
        dict phase -> seconds from the /timings group (empty if absent);
    ``scenario``
        dict with ``toml`` and ``resolved_toml`` strings (missing keys omitted).

    Raises OSError if the file cannot be opened. It does not check completeness: call
    ``is_complete`` first when an interrupted run must be rejected.
    """
    with h5py.File(path, "r") as f:
        attrs = {name: python_value(value) for name, value in f.attrs.items()}

        columns, units, descriptions = {}, {}, {}
        if "timeseries" in f:
            for name, dset in f["timeseries"].items():
                if not isinstance(dset, h5py.Dataset):
                    continue
                columns[name] = np.asarray(dset[()], dtype=np.float64)
                units[name] = python_value(dset.attrs.get("units", ""))
                descriptions[name] = python_value(dset.attrs.get("description", ""))
        if columns:
            length = max(len(v) for v in columns.values())
        else:
            length = int(attrs.get("steps", -1)) + 1
        index = pd.RangeIndex(max(length, 0), name="step")
        timeseries = pd.DataFrame(columns, index=index)

        panel, panel_units = {}, {}
        if "panel/households" in f:
            steps = np.asarray(f["panel/steps"][()], dtype=np.int64)
            ids = np.asarray(f["panel/household_ids"][()], dtype=np.int64)
            for name, dset in f["panel/households"].items():
                frame = pd.DataFrame(
                    dset[()],
                    index=pd.Index(steps, name="step"),
                    columns=pd.Index(ids, name="household"),
                )
                panel[name] = frame
                panel_units[name] = python_value(dset.attrs.get("units", ""))

        timings = {}
        if "timings" in f:
            timings = {k: python_value(v) for k, v in f["timings"].attrs.items()}

        scenario = {}
        if "scenario" in f:
            scenario = {k: python_value(v) for k, v in f["scenario"].attrs.items()}

    return {
        "attrs": attrs,
        "timeseries": timeseries,
        "units": units,
        "descriptions": descriptions,
        "panel": panel,
        "panel_units": panel_units,
        "timings": timings,
        "scenario": scenario,
    }
