"""minesim from Python: step a run, read its state as pandas objects, run batches.

The model is minesim's own C++ library (the compiled module ``minesim._minesim``); nothing
here computes any of it. See docs/python.md for a walk-through. Example::

    import minesim
    sim = minesim.Simulation("scenarios/baseline.toml", seed=1, threads=2,
                             set={"households.count": 2000})
    sim.step(60)                                    # five years
    sim.set("participation.hearing_interval_months", 3)
    sim.run()
    sim.timeseries()["S_mean"].plot()
    sim.save("run.h5")                              # the run file `minesim run` writes

Units are in each object's ``attrs["units"]`` (a dict by column); descriptions in
``attrs["descriptions"]``.
"""

import math
import os

import numpy as np
import pandas as pd

from minesim._minesim import ScenarioError, parameter_keys
from minesim import _minesim

# The run and batch readers of the analysis package (analysis/minesim_io.py).
from minesim_io import load_batch, load_run

__all__ = ["Simulation", "ScenarioError", "batch", "load_run", "load_batch", "parameter_keys"]


def _toml(value):
    """A Python value as the TOML text of a scenario value (what ``--set`` takes)."""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        # A TOML basic string: the loader then reads exactly this text.
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        escaped = "".join(c if (c >= " " and c != "\x7f") or c == "\t" else "\\u%04x" % ord(c)
                          for c in escaped)
        return '"' + escaped + '"'
    raise TypeError(
        "a parameter value must be a bool, int, float or str, got %s" % type(value).__name__)


def _assignments(values):
    """``{"key": value}`` as the command line's ``key=value`` overrides, in order."""
    if values is None:
        return []
    if not hasattr(values, "items"):
        raise TypeError("set= takes a dict of parameter keys and values, got %s"
                        % type(values).__name__)
    out = []
    for key, value in values.items():
        if not isinstance(key, str):
            raise TypeError("parameter keys are strings such as 'households.count', got %r"
                            % (key,))
        out.append("%s=%s" % (key, _toml(value)))
    return out


def _frame(columns, index_name=None):
    """A DataFrame over ``(name, array, units, description)`` columns, without copying them
    (pandas keeps each array as its own block when asked not to copy)."""
    data = {name: values for name, values, _, _ in columns}
    frame = pd.DataFrame(data, copy=False)
    if index_name is not None:
        frame.index.name = index_name
    frame.attrs["units"] = {name: units for name, _, units, _ in columns}
    frame.attrs["descriptions"] = {name: text for name, _, _, text in columns}
    return frame


class Simulation:
    """One run of a scenario, stepped from Python.

    ``Simulation(path, seed=None, threads=None, set=None, allow_large=False)`` loads the
    scenario as ``minesim run PATH --seed SEED --threads THREADS --set KEY=VALUE ...`` does,
    and builds the initial state (step 0). A bad file, key or value raises
    :class:`ScenarioError` with the command line's one-line message. ``threads`` defaults to
    OpenMP's (``OMP_NUM_THREADS``, else the cores). ``allow_large`` lets a run past the
    memory guard, as ``--allow-large`` does.

    Stepping releases the GIL and uses the OpenMP threads. A run stepped in any chunks gives
    the same results, bit for bit, as ``minesim run`` with the same scenario and seed.
    """

    def __init__(self, path, seed=None, threads=None, set=None, allow_large=False):
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
            raise TypeError("seed must be an int, got %s" % type(seed).__name__)
        if threads is not None and (isinstance(threads, bool)
                                    or not isinstance(threads, (int, np.integer))):
            raise TypeError("threads must be an int, got %s" % type(threads).__name__)
        self._calls = ["minesim.Simulation(%s)" % ", ".join(
            [repr(str(path))] + ["%s=%r" % (k, v) for k, v in
                                 (("seed", seed), ("threads", threads), ("set", set))
                                 if v is not None])]
        self._run = _minesim.Run(str(path), None if seed is None else int(seed),
                                 None if threads is None else int(threads),
                                 _assignments(set), bool(allow_large))

    def __repr__(self):
        return "<minesim.Simulation %s at step %d of %d, %d thread%s>" % (
            self._run.scenario_path, self.step_now, self.steps, self.threads,
            "" if self.threads == 1 else "s")

    # --- stepping ----------------------------------------------------------------------

    def step(self, n=1):
        """Advance ``n`` months. Ctrl-C stops at the end of the month under way."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise TypeError("step(n): n must be an int, got %s" % type(n).__name__)
        self._run.step(int(n))

    def run(self):
        """Run the remaining steps."""
        self._run.run()

    @property
    def step_now(self):
        """The steps done so far (0 before the first)."""
        return self._run.step_now

    @property
    def steps(self):
        """The run's length, ``simulation.steps`` months."""
        return self._run.steps

    @property
    def threads(self):
        """The OpenMP threads each step uses."""
        return self._run.threads

    # --- interventions -----------------------------------------------------------------

    def set(self, key, value):
        """Change a parameter from the next step on, as a calendar ``set`` event at that step
        does: the key must be one the calendar may set and the value valid for it, else
        :class:`ScenarioError`. The change enters the run's calendar, so a saved run file
        records it and ``minesim rerun`` repeats it."""
        if not isinstance(key, str):
            raise TypeError("set(key, value): key must be a str, got %s" % type(key).__name__)
        self._run.set("%s=%s" % (key, _toml(value)))
        self._calls.append("set(%r, %r) before step %d" % (key, value, self.step_now + 1))

    def get(self, key):
        """A parameter's value now, after the changes made so far."""
        return self._run.get(key)

    # --- reading -----------------------------------------------------------------------

    def timeseries(self):
        """Every time series so far: a DataFrame indexed by step (0 is the initial state).
        ``attrs``: ``units``, ``descriptions`` and ``kinds`` (stock or flow) by column."""
        series = self._run.timeseries()
        frame = pd.DataFrame({name: values for name, values, _, _, _ in series},
                             index=pd.RangeIndex(self.step_now + 1, name="step"))
        frame.attrs["units"] = {name: units for name, _, units, _, _ in series}
        frame.attrs["descriptions"] = {name: text for name, _, _, text, _ in series}
        frame.attrs["kinds"] = {name: kind for name, _, _, _, kind in series}
        return frame

    def households(self, columns=None):
        """The households' current state, one row per household id.

        The columns are read-only views of the model's own arrays, not copies: they show the
        state at the moment of reading and change as the run steps on (``.copy()`` to keep
        one). ``columns`` selects some by name."""
        return self._store("households", columns)

    def villages(self, columns=None):
        """The villages' current state (positions, county, environment, income, hearings)."""
        return self._store("villages", columns)

    def mines(self, columns=None):
        """The mines' current state (position, status, output, damage, restoration)."""
        return self._store("mines", columns)

    def governments(self, columns=None):
        """The county governments' current state, with their ledger balances."""
        return self._store("governments", columns)

    def _store(self, store, columns):
        found = self._run.columns(store)
        if columns is not None:
            if isinstance(columns, str):
                columns = [columns]
            names = [c[0] for c in found]
            unknown = [c for c in columns if c not in names]
            if unknown:
                raise KeyError("%s has no column %s (columns: %s)" % (
                    store, ", ".join(map(repr, unknown)), ", ".join(names)))
            by_name = {c[0]: c for c in found}
            found = [by_name[c] for c in columns]
        return _frame(found, index_name=store[:-1])

    def network(self):
        """The households' network as a ``scipy.sparse.csr_matrix`` (symmetric, ones for
        ties). Its ``indices`` are a view of the model's array; ``indptr`` is converted to
        scipy's index type when that differs (one entry per household)."""
        from scipy.sparse import csr_matrix
        indptr, indices, n = self._run.network()
        data = np.ones(len(indices), dtype=np.float64)
        return csr_matrix((data, indices, indptr), shape=(n, n), copy=False)

    def events(self, name="negotiations"):
        """An event table so far (``negotiations``, ``inspections``), one row per event;
        ``attrs["units"]`` and ``attrs["descriptions"]`` by column, ``attrs["description"]``
        for the table."""
        description, columns = self._run.events(name)
        frame = _frame(columns)
        frame.attrs["description"] = description
        return frame

    # --- writing -----------------------------------------------------------------------

    def save(self, path, overwrite=False):
        """Write the run file of the finished run, as ``minesim run`` writes it
        (docs/output-format.md). Refuses to replace a file unless ``overwrite``."""
        path = os.fspath(path)
        if os.path.exists(path) and not overwrite:
            raise FileExistsError("%s: output file exists; pass overwrite=True to replace it"
                                  % path)
        self._run.save(path, "; ".join(self._calls))


def batch(batch_file, out_dir, workers=2, threads=None, quiet=True, allow_large=False):
    """Run a batch file into ``out_dir`` as ``minesim batch BATCH_FILE -o OUT_DIR`` does,
    in this process, and return ``load_batch(out_dir)``. A batch folder that is partly done
    is resumed. Raises :class:`ScenarioError` for a bad batch file, RuntimeError when runs
    failed (rerunning the call retries them), KeyboardInterrupt on Ctrl-C (the folder can
    then be resumed)."""
    outcome = _minesim.run_batch(os.fspath(batch_file), os.fspath(out_dir),
                                 None if workers is None else int(workers),
                                 None if threads is None else int(threads),
                                 bool(quiet), bool(allow_large))
    if outcome["failed"]:
        ids = outcome["failed_ids"]
        raise RuntimeError(
            "%d of %d runs of %s failed (%s): their status is \"failed\" in %s, with the "
            "reason in `message`; call minesim.batch again to retry them"
            % (outcome["failed"], outcome["planned"], batch_file,
               ", ".join(ids[:5]) + (", ..." if len(ids) > 5 else ""),
               os.path.join(os.fspath(out_dir), "index.h5")))
    return load_batch(out_dir)
