"""Read minesim HDF5 run files and batch folders (the contract is docs/output-format.md).

The scripts in this folder import it (``import minesim_io``), as does any Python that has
installed the folder (``pip install -e analysis``); it needs only h5py, numpy and pandas
(Debian's python3-h5py, python3-numpy and python3-pandas). See docs/analysis.md for a
walk-through.

Example::

    run = minesim_io.load_run("run.h5")
    run["timeseries"]["restoration_rate"].plot()
    print(run["attrs"]["seed"], run["units"]["damaged_ha"])

    survey = minesim_io.load_survey("run.h5")
    print(survey["summary"][["alpha", "kmo", "indirect_effect"]])

    batch = minesim_io.load_batch("sweep_dir")
    batch["final"].groupby("arm")["S_mean"].mean()

    minesim_io.calendar_events(run)    # the scenario's scheduled events
    minesim_io.label(run, "damaged_ha")  # 'Damaged land (ha)', for a figure axis
"""

import json
import math
import os
import re
import warnings

import h5py
import numpy as np
import pandas as pd

import minesim_labels

try:  # Python 3.11 and later
    import tomllib
except ImportError:  # older Pythons: the calendar is read by _calendar_blocks below
    tomllib = None

__all__ = ["load_run", "is_complete", "python_value", "load_survey", "load_batch",
           "read_table", "household_field", "snapshot", "calendar_events", "label"]


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


def _open_run(path):
    """``h5py.File(path, "r")``, with a message that says what a file that does not open
    as HDF5 usually is: truncated (a full disk, a copy cut short) or still being written."""
    try:
        return h5py.File(path, "r")
    except FileNotFoundError:
        raise
    except OSError as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise OSError(f"{path}: not a readable minesim run file ({reason}); it is probably "
                      f"truncated (a full disk, an interrupted copy) or still being "
                      f"written: run it again or copy it again") from error


def load_run(path, allow_incomplete=False):
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
    ``panel_units``, ``panel_descriptions``
        dicts field -> ``units`` / ``description`` of each panel field;
    ``timings``
        dict phase -> seconds from the /timings group (empty if absent);
    ``scenario``
        dict with ``toml`` and ``resolved_toml`` strings (missing keys omitted);
    ``partial``
        None for a complete run; for the ``.partial`` file of a run that did not finish
        (``status = "partial"``), the last step whose output is all in the file. The time
        series and panel then stop at that step.

    Raises FileNotFoundError for a missing file, OSError naming the file for one that is
    not readable HDF5 (a truncated file), and ValueError for a file without
    ``status = "complete"`` (an interrupted run, or one still being written) unless
    ``allow_incomplete`` is true. A partial file loaded with ``allow_incomplete`` gives a
    warning saying how far it goes.
    """
    with _open_run(path) as f:
        attrs = {name: python_value(value) for name, value in f.attrs.items()}
        partial = None
        if attrs.get("status") == "partial":
            partial = int(attrs.get("last_complete_step", -1))
            how_far = (f"a partial run file: the run stopped after step {partial} of "
                       f"{attrs.get('steps')}")
            if not allow_incomplete:
                raise ValueError(f"{path}: {how_far}; resume it (minesim run ... --resume), "
                                 f"or pass allow_incomplete=True to read what it holds")
            warnings.warn(f"{path}: {how_far}; its time series and panel stop there",
                          stacklevel=2)
        elif not allow_incomplete and attrs.get("status") != "complete":
            raise ValueError(f"{path}: not a complete minesim run file (no status = "
                             f"\"complete\"): the run was interrupted or is still being "
                             f"written; run it again, or pass allow_incomplete=True")

        columns, units, descriptions = {}, {}, {}
        if "timeseries" in f:
            for name, dset in f["timeseries"].items():
                if not isinstance(dset, h5py.Dataset) or "CLASS" in dset.attrs:  # step scale
                    continue
                columns[name] = np.asarray(dset[()], dtype=np.float64)
                units[name] = python_value(dset.attrs.get("units", ""))
                descriptions[name] = python_value(dset.attrs.get("description", ""))
        if columns:
            length = max(len(v) for v in columns.values())
        else:
            length = int(attrs.get("steps", -1)) + 1
        if partial is not None:
            length = min(length, partial + 1)
            columns = {name: values[:length] for name, values in columns.items()}
        index = pd.RangeIndex(max(length, 0), name="step")
        timeseries = pd.DataFrame(columns, index=index)

        panel, panel_units, panel_descriptions = {}, {}, {}
        if "panel/households" in f:
            steps = np.asarray(f["panel/steps"][()], dtype=np.int64)
            ids = np.asarray(f["panel/household_ids"][()], dtype=np.int64)
            rows = len(steps) if partial is None else int(np.sum(steps <= partial))
            steps = steps[:rows]
            for name, dset in f["panel/households"].items():
                frame = pd.DataFrame(
                    dset[:rows],
                    index=pd.Index(steps, name="step"),
                    columns=pd.Index(ids, name="household"),
                )
                panel[name] = frame
                panel_units[name] = python_value(dset.attrs.get("units", ""))
                panel_descriptions[name] = python_value(dset.attrs.get("description", ""))

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
        "panel_descriptions": panel_descriptions,
        "timings": timings,
        "scenario": scenario,
        "partial": partial,
    }


# --------------------------------------------------------------------------------------
# Surveys (/survey/step_NNNN, docs/odd.md §3.13)

#: Scalar statistics of a survey, in report order.
SURVEY_SCALARS = ["alpha", "kmo", "bartlett_statistic", "bartlett_df", "bartlett_p",
                  "indirect_effect", "indirect_ci_low", "indirect_ci_high", "interval_level"]


def _labels(dset, length):
    """The ``names`` attribute of a dataset as a list of str, or positions as strings."""
    names = dset.attrs.get("names")
    if names is None or len(names) != length:
        return [str(i) for i in range(length)]
    return [python_value(n) for n in np.asarray(names).tolist()]


def load_survey(path):
    """Load every virtual survey of a run file.

    Returns a dict with:

    ``summary``
        DataFrame indexed by survey step (index name "step"), one row per survey, with the
        columns ``alpha``, ``alpha_<construct>`` (E, P, C, R, S), ``kmo``,
        ``bartlett_statistic``, ``bartlett_df``, ``bartlett_p``, ``path_<name>`` (for the
        path names P~E, C~P, R~C, S~C, S~P, S~R), ``indirect_effect``,
        ``indirect_ci_low``, ``indirect_ci_high``, ``interval_level`` (when written),
        ``sample_size`` and ``bootstrap_resamples`` (when written). Empty when the run
        took no survey.
    ``paths``
        DataFrame [step x path name] of the standardized path coefficients.
    ``items``
        dict step -> DataFrame [household id x item name] of the Likert answers (int64).
    ``units``, ``descriptions``
        dicts dataset name -> its ``units`` / ``description`` (from the first survey).

    Raises OSError if the file cannot be opened.
    """
    rows, paths, items, units, descriptions = [], [], {}, {}, {}
    with h5py.File(path, "r") as f:
        group = f.get("survey")
        names = sorted(group.keys()) if isinstance(group, h5py.Group) else []
        for name in names:
            g = group[name]
            if not isinstance(g, h5py.Group):
                continue
            step = int(g.attrs["step"]) if "step" in g.attrs else int(name.split("_")[-1])
            row = {"step": step}
            for key, dset in g.items():
                if not isinstance(dset, h5py.Dataset):
                    continue
                units.setdefault(key, python_value(dset.attrs.get("units", "")))
                descriptions.setdefault(key, python_value(dset.attrs.get("description", "")))
                if dset.shape == ():
                    row[key] = float(dset[()])
            if "alpha_by_construct" in g:
                d = g["alpha_by_construct"]
                for label, value in zip(_labels(d, d.shape[0]), d[()]):
                    row[f"alpha_{label}"] = float(value)
            path_row = {"step": step}
            if "paths" in g:
                d = g["paths"]
                for label, value in zip(_labels(d, d.shape[0]), d[()]):
                    row[f"path_{label}"] = float(value)
                    path_row[label] = float(value)
            paths.append(path_row)
            for attr in ("sample_size", "bootstrap_resamples", "items_per_construct"):
                if attr in g.attrs:
                    row[attr] = int(g.attrs[attr])
            rows.append(row)
            if "items" in g:
                d = g["items"]
                ids = (np.asarray(g["household_ids"][()], dtype=np.int64)
                       if "household_ids" in g else np.arange(d.shape[0]))
                items[step] = pd.DataFrame(
                    np.asarray(d[()], dtype=np.int64),
                    index=pd.Index(ids, name="household"),
                    columns=pd.Index(_labels(d, d.shape[1]), name="item"))

    def frame(records):
        if not records:
            return pd.DataFrame(index=pd.Index([], name="step", dtype=np.int64))
        return pd.DataFrame(records).set_index("step").sort_index()

    summary = frame(rows)
    ordered = [c for c in SURVEY_SCALARS[:1] if c in summary.columns]
    ordered += [c for c in summary.columns if c.startswith("alpha_")]
    ordered += [c for c in SURVEY_SCALARS[1:5] if c in summary.columns]
    ordered += [c for c in summary.columns if c.startswith("path_")]
    ordered += [c for c in SURVEY_SCALARS[5:] if c in summary.columns]
    ordered += [c for c in summary.columns if c not in ordered]
    return {
        "summary": summary[ordered] if len(summary.columns) else summary,
        "paths": frame(paths),
        "items": items,
        "units": units,
        "descriptions": descriptions,
    }


# --------------------------------------------------------------------------------------
# Household fields

def household_field(path, name):
    """A 1-D field of *all* households from the run file, or None when absent.

    Looks for ``/households/<name>`` (static tables and any end-of-run field the model
    writes there). Returns a float64 numpy array indexed by household id.
    """
    with h5py.File(path, "r") as f:
        d = f.get(f"households/{name}")
        if isinstance(d, h5py.Dataset) and d.ndim == 1:
            return np.asarray(d[()], dtype=np.float64)
    return None


def snapshot(run, step=None):
    """One panel snapshot of a run loaded by ``load_run``, as a DataFrame.

    ``step`` is the snapshot step (default: the last one); the latest snapshot at or
    before it is taken. Rows are household ids (index "household"), columns the panel
    fields. Raises ValueError when the run has no panel or no snapshot at or before
    ``step``.
    """
    panel = run["panel"]
    if not panel:
        raise ValueError("the run has no /panel (no sampled households)")
    steps = next(iter(panel.values())).index.to_numpy()
    chosen = steps[-1] if step is None else steps[steps <= step]
    if step is not None:
        if len(chosen) == 0:
            raise ValueError(f"no panel snapshot at or before step {step} "
                             f"(snapshots: {steps.tolist()})")
        chosen = chosen[-1]
    frame = pd.DataFrame({name: df.loc[chosen] for name, df in panel.items()})
    frame.index.name = "household"
    frame.attrs["step"] = int(chosen)
    return frame


# --------------------------------------------------------------------------------------
# Labels and the calendar

def label(run, name):
    """Readable label of time series or panel field ``name`` of a run loaded by
    ``load_run``, with its units (``minesim_labels.label``): 'Damaged land (ha)',
    'Life satisfaction S (mean)'."""
    if name in run.get("units", {}):
        units, descriptions = run["units"], run.get("descriptions", {})
    else:
        units, descriptions = run.get("panel_units", {}), run.get("panel_descriptions", {})
    return minesim_labels.label(name, units.get(name), descriptions.get(name))


def _toml_scalar(text):
    """A TOML value as minesim's resolved scenario writes it (string, integer, float,
    boolean, nan/inf) as a Python value."""
    text = text.strip()
    if text.startswith('"'):
        return json.loads(text)
    if text.startswith("'"):
        return text[1:-1]
    if text in ("true", "false"):
        return text == "true"
    if text.lstrip("+-") in ("nan", "inf"):
        return float(text)
    number = text.replace("_", "")
    try:
        return int(number)
    except ValueError:
        return float(number)


def _calendar_blocks(text):
    """The ``[[calendar.events]]`` tables of a TOML text as dicts, in file order, without a
    TOML library (for Pythons before 3.11): each header opens a table, each ``key =
    value`` line below it (up to the next header) is a field."""
    events, current = [], None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = {} if re.fullmatch(r"\[\[\s*calendar\s*\.\s*events\s*\]\]", line) \
                else None
            if current is not None:
                events.append(current)
            continue
        if current is None or "=" not in line:
            continue
        key, value = line.split("=", 1)
        value = re.sub(r"\s+#[^\"']*$", "", value)  # a trailing comment after the value
        current[key.strip().strip('"')] = _toml_scalar(value)
    return events


def _format_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def event_label(event):
    """A short text for a calendar event: 'close mine 4', 'set damage_ha_per_10kt = 0.33'
    (the last part of the parameter's key), else the action and its fields."""
    action = str(event.get("action", "event"))
    fields = {k: v for k, v in event.items() if k not in ("step", "action")
              and not (isinstance(v, float) and math.isnan(v))}
    if action == "close_mine" and "mine" in fields:
        return f"close mine {_format_value(fields['mine'])}"
    if action == "set" and "key" in fields and "value" in fields:
        key = str(fields["key"]).split(".")[-1]
        return f"set {key} = {_format_value(fields['value'])}"
    details = ", ".join(f"{k} {_format_value(v)}" for k, v in fields.items())
    return action.replace("_", " ") + (f" {details}" if details else "")


def calendar_events(run):
    """The scheduled events of a run's scenario (``[[calendar.events]]`` of the
    ``resolved_toml`` attribute of ``/scenario``; scenarios/PARAMETERS.md lists the actions).

    ``run``: a dict from ``load_run``, or the path of a run file. Returns a DataFrame with
    one row per event, in step order (file order within a step): ``step``, ``action``,
    ``label`` (a short text, see ``event_label``), then one column per further field
    (``key``, ``value``, ``mine``, ...; missing where an event has no such field). Empty
    (with the columns step, action and label) when the run has no calendar.
    """
    if isinstance(run, (str, bytes, os.PathLike)):
        with _open_run(run) as f:
            group = f.get("scenario")
            text = python_value(group.attrs.get("resolved_toml", "")) if group else ""
    else:
        text = run.get("scenario", {}).get("resolved_toml", "")
    events = []
    if text:
        if tomllib is not None:
            document = tomllib.loads(text)
            events = document.get("calendar", {}).get("events", [])
        else:
            events = _calendar_blocks(text)
    rows = []
    for event in events:
        row = {"step": int(event.get("step", 0)), "action": str(event.get("action", "")),
               "label": event_label(event)}
        row.update({k: v for k, v in event.items() if k not in row})
        rows.append(row)
    # Object columns keep each field's own type (an integer mine stays an int).
    frame = pd.DataFrame(rows, columns=["step", "action", "label"] + sorted(
        {k for r in rows for k in r} - {"step", "action", "label"}), dtype=object)
    frame["step"] = frame["step"].astype(np.int64)
    if rows:
        frame = frame.sort_values("step", kind="stable").reset_index(drop=True)
    return frame


# --------------------------------------------------------------------------------------
# Batches (DIR/runs/<run_id>.h5 and DIR/index.h5)

def _decode(values):
    """A numpy column with bytes or object strings as a list/array of str."""
    array = np.asarray(values)
    if array.dtype.kind in ("S", "O"):
        return np.array([python_value(v) for v in array.tolist()], dtype=object)
    return array


#: Columns of an index table placed first when it is read from a group of datasets.
INDEX_LEADING_COLUMNS = ["run_id", "arm", "replicate", "seed", "status", "wall_seconds"]


def read_table(dset_or_group):
    """An index table as a DataFrame: a compound dataset (one field per column, in field
    order) or a group of equal-length 1-D column datasets (run_id, arm, replicate, seed,
    status, wall_seconds first, then the others by name). Strings become ``str``."""
    if isinstance(dset_or_group, h5py.Dataset):
        data = dset_or_group[()]
        if data.dtype.names is None:
            raise ValueError(f"{dset_or_group.name}: not a compound dataset")
        return pd.DataFrame({name: _decode(data[name]) for name in data.dtype.names})
    columns = {}
    for name, d in dset_or_group.items():
        if isinstance(d, h5py.Dataset) and d.ndim == 1:
            columns[name] = _decode(d[()])
    lengths = {len(v) for v in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"{dset_or_group.name}: columns differ in length")
    # A group lists its members by name: put the identifying columns first.
    leading = [c for c in INDEX_LEADING_COLUMNS if c in columns]
    order = leading + [c for c in columns if c not in leading]
    return pd.DataFrame({c: columns[c] for c in order})


def _read_index(directory):
    """DIR/index.h5's /runs table as a DataFrame (empty when absent or unreadable)."""
    path = os.path.join(directory, "index.h5")
    if not os.path.exists(path):
        return pd.DataFrame()
    with h5py.File(path, "r") as f:
        if "runs" not in f:
            return pd.DataFrame()
        return read_table(f["runs"])


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def load_batch(directory, metrics=None):
    """Load a batch folder written by ``minesim batch ... -o DIR``.

    Reads every run file ``DIR/runs/*.h5``. A run's arm and replicate come from its root
    attributes ``arm`` and ``replicate`` when it carries them, otherwise from the row of
    ``DIR/index.h5``'s ``/runs`` table (a compound dataset or a group of column datasets)
    whose ``run_id`` is the file name without ``.h5``.

    ``metrics``: time series to load (default: every one found).

    Returns a dict with:

    ``runs``
        DataFrame, one row per run file (index ``run_id``): ``arm``, ``replicate``,
        ``seed``, ``status``, ``complete`` (bool), ``path``.
    ``timeseries``
        long DataFrame of the complete runs, columns ``run_id``, ``arm``, ``replicate``,
        ``step``, then one column per metric.
    ``final``
        DataFrame of the complete runs (index ``run_id``): ``arm``, ``replicate``, then the
        last value of every metric.
    ``units``, ``descriptions``
        dicts metric -> units / description (from the first complete run).
    ``index``
        the ``/runs`` table of ``DIR/index.h5`` as a DataFrame (empty when absent).
    ``arms``
        arm names in the order of the index table (else sorted by name).

    Incomplete run files are listed in ``runs`` with ``complete`` False and left out of
    ``timeseries`` and ``final`` (with a warning). Raises FileNotFoundError when
    ``DIR/runs`` holds no run file, and ValueError when a run's arm or replicate cannot be
    found.
    """
    runs_dir = os.path.join(directory, "runs")
    files = sorted(f for f in os.listdir(runs_dir) if f.endswith(".h5")) \
        if os.path.isdir(runs_dir) else []
    if not files:
        raise FileNotFoundError(f"{directory}: no run files in runs/*.h5")
    index = _read_index(directory)
    by_id = {}
    if not index.empty and "run_id" in index.columns:
        by_id = {str(r["run_id"]): r for _, r in index.iterrows()}

    run_rows, long_frames, final_rows = [], [], []
    units, descriptions = {}, {}
    for name in files:
        path = os.path.join(runs_dir, name)
        run_id = name[:-3]
        complete = is_complete(path)
        attrs = {}
        if complete:
            with h5py.File(path, "r") as f:
                attrs = {k: python_value(v) for k, v in f.attrs.items()}
        row = by_id.get(run_id)
        arm = attrs.get("arm", None if row is None else row.get("arm"))
        replicate = attrs.get("replicate", None if row is None else row.get("replicate"))
        if complete and (arm is None or replicate is None):
            raise ValueError(f"{path}: no arm/replicate in the run file's attributes and no "
                             f"row with run_id '{run_id}' in {directory}/index.h5 /runs")
        seed = attrs.get("seed", None if row is None else row.get("seed"))
        status = attrs.get("status", None if row is None else row.get("status"))
        run_rows.append({"run_id": run_id, "arm": None if arm is None else str(arm),
                         "replicate": _as_int(replicate), "seed": _as_int(seed),
                         "status": status, "complete": complete, "path": path})
        if not complete:
            warnings.warn(f"{path}: not a complete run file; left out", stacklevel=2)
            continue
        run = load_run(path)
        ts = run["timeseries"]
        if metrics is not None:
            missing = [m for m in metrics if m not in ts.columns]
            if missing:
                raise ValueError(f"{path}: no time series {', '.join(missing)}")
            ts = ts[list(metrics)]
        for k in ts.columns:
            units.setdefault(k, run["units"].get(k, ""))
            descriptions.setdefault(k, run["descriptions"].get(k, ""))
        frame = ts.reset_index()
        frame.insert(0, "replicate", _as_int(replicate))
        frame.insert(0, "arm", str(arm))
        frame.insert(0, "run_id", run_id)
        long_frames.append(frame)
        final = {"run_id": run_id, "arm": str(arm), "replicate": _as_int(replicate)}
        if len(ts):
            final.update(ts.iloc[-1].to_dict())
        final_rows.append(final)

    runs = pd.DataFrame(run_rows).set_index("run_id")
    # Arms in the order the batch lists them (index.h5), else in order of name.
    if not index.empty and "arm" in index.columns:
        listed = [str(a) for a in pd.unique(index["arm"])]
    else:
        listed = []
    present = sorted(str(a) for a in runs["arm"].dropna().unique())
    arms = [a for a in listed if a in present] + [a for a in present if a not in listed]
    timeseries = (pd.concat(long_frames, ignore_index=True) if long_frames
                  else pd.DataFrame(columns=["run_id", "arm", "replicate", "step"]))
    final = (pd.DataFrame(final_rows).set_index("run_id") if final_rows
             else pd.DataFrame(columns=["arm", "replicate"]))
    return {"runs": runs, "timeseries": timeseries, "final": final, "units": units,
            "descriptions": descriptions, "index": index, "arms": arms}
