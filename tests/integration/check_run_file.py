#!/usr/bin/python3
"""Check a minesim run file against the output contract (docs/output-format.md).

Usage: check_run_file.py RUN.h5 [--require NAME ...] [--quiet]

Checks: every root attribute is present, `status` is "complete" and was the last
attribute written (the writer tracks attribute creation order on the root group);
/scenario carries non-empty `toml` and `resolved_toml`; every /timeseries dataset is
1-D float64 of length steps + 1, has no NaN or infinity, and has non-empty `units` and
`description`; every dataset anywhere has `units` and `description`; /network is a
valid symmetric CSR without self-loops; /panel shapes agree with /panel/steps and
/panel/household_ids; /survey/step_NNNN groups hold every statistic, labelled paths and
1..5 answers matching their respondents; the columns of /households, /villages and /mines are 1-D and of
equal length within each group; every --require'd time series exists.

Prints one line per check ("ok ..." or "FAIL ...", only failures with --quiet) and exits 0 when all pass, 1 when
any fails (2 for bad arguments).
"""

import argparse
import re
import sys

import h5py
import numpy as np

ROOT_ATTRIBUTES = [
    "schema_version", "minesim_version", "git_commit", "compiler", "build_type",
    "created_utc", "host", "threads", "seed", "steps", "wall_seconds", "status",
]
STRING_ATTRIBUTES = {"minesim_version", "git_commit", "compiler", "build_type",
                     "created_utc", "host", "status"}
INTEGER_ATTRIBUTES = {"schema_version", "threads", "seed", "steps"}
TABLE_GROUPS = ["households", "villages", "mines", "governments"]


def text(value):
    """An HDF5 string attribute as str (h5py gives bytes for fixed-length ASCII)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, np.ndarray) and value.shape == ():
        return text(value[()])
    return value


class Checker:
    """Collects check results; each check prints one line."""

    def __init__(self, quiet=False):
        self.failures = 0
        self.quiet = quiet

    def check(self, condition, what, detail=""):
        """Record one check; ``detail`` explains a failure."""
        if condition:
            if not self.quiet:
                print(f"ok   {what}")
        else:
            self.failures += 1
            print(f"FAIL {what}" + (f": {detail}" if detail else ""))
        return condition


def check_root(c, f):
    """Root attributes, their types, and `status` written last. Returns steps or None."""
    present = set(f.attrs.keys())
    missing = [a for a in ROOT_ATTRIBUTES if a not in present]
    c.check(not missing, "root attributes present", "missing " + ", ".join(missing))

    bad_strings = [a for a in STRING_ATTRIBUTES & present
                   if not isinstance(text(f.attrs[a]), str)]
    c.check(not bad_strings, "root string attributes are strings", ", ".join(bad_strings))
    bad_ints = [a for a in INTEGER_ATTRIBUTES & present
                if not np.issubdtype(np.asarray(f.attrs[a]).dtype, np.integer)]
    c.check(not bad_ints, "root integer attributes are integers", ", ".join(bad_ints))
    if "created_utc" in present:
        stamp = text(f.attrs["created_utc"])
        c.check(isinstance(stamp, str)
                and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp) is not None,
                "created_utc is ISO 8601 UTC", repr(stamp))

    status = text(f.attrs.get("status"))
    c.check(status == "complete", 'status == "complete"', repr(status))

    # The root *group*'s creation properties (the file id would give the file's).
    plist = f["/"].id.get_create_plist()
    tracked = bool(plist.get_attr_creation_order() & h5py.h5p.CRT_ORDER_TRACKED)
    if c.check(tracked, "root attribute creation order tracked",
               "cannot confirm status was written last"):
        # With creation order tracked, h5py iterates attributes in creation order.
        order = list(f.attrs.keys())
        c.check(bool(order) and order[-1] == "status", "status is the last attribute written",
                "order ends with " + (order[-1] if order else "nothing"))

    steps = None
    if "steps" in present and "steps" not in bad_ints:
        steps = int(f.attrs["steps"])
        c.check(steps >= 0, "steps >= 0", str(steps))
    return steps


def check_scenario(c, f):
    """/scenario attributes toml and resolved_toml, non-empty strings."""
    if not c.check("scenario" in f and isinstance(f["scenario"], h5py.Group), "/scenario group"):
        return
    for name in ("toml", "resolved_toml"):
        value = text(f["scenario"].attrs.get(name))
        c.check(isinstance(value, str) and value.strip() != "",
                f"/scenario attribute {name} non-empty", repr(value)[:60])


def check_all_datasets_documented(c, f):
    """Every dataset anywhere has string `units` and `description` attributes."""
    undocumented = []

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            for attr in ("units", "description"):
                if not isinstance(text(obj.attrs.get(attr)), str):
                    undocumented.append(f"/{name}@{attr}")

    f.visititems(visit)
    c.check(not undocumented, "every dataset has units and description",
            ", ".join(undocumented[:10]) + (" ..." if len(undocumented) > 10 else ""))


def check_timeseries(c, f, steps):
    """Shape, type, documentation and finiteness of /timeseries/*. Returns their names."""
    if not c.check("timeseries" in f and isinstance(f["timeseries"], h5py.Group),
                   "/timeseries group"):
        return set()
    names = set()
    problems = []
    for name, dset in f["timeseries"].items():
        if dset.attrs.get("CLASS") == b"DIMENSION_SCALE":  # /timeseries/step, the steps
            continue
        names.add(name)
        if not isinstance(dset, h5py.Dataset):
            problems.append(f"{name}: not a dataset")
            continue
        if dset.ndim != 1 or dset.dtype != np.float64:
            problems.append(f"{name}: {dset.dtype} {dset.shape}, expected 1-D float64")
            continue
        if steps is not None and dset.shape[0] != steps + 1:
            problems.append(f"{name}: length {dset.shape[0]}, expected steps + 1 = {steps + 1}")
        for attr in ("units", "description"):
            value = text(dset.attrs.get(attr))
            if not isinstance(value, str) or value == "":
                problems.append(f"{name}: empty or missing {attr}")
        values = dset[()]
        if np.isnan(values).any():
            problems.append(f"{name}: NaN at step {int(np.flatnonzero(np.isnan(values))[0])}")
        elif not np.isfinite(values).all():
            problems.append(f"{name}: infinite at step "
                            f"{int(np.flatnonzero(~np.isfinite(values))[0])}")
    c.check(not problems, f"{len(names)} time series: 1-D float64, steps + 1 long, documented, "
            "no NaN/inf", "; ".join(problems[:10]) + (" ..." if len(problems) > 10 else ""))
    return names


def check_network(c, f):
    """/network/offsets and /network/targets form a symmetric CSR without self-loops."""
    if "network" not in f:
        if not c.quiet:
            print("skip /network (absent)")
        return
    group = f["network"]
    if not c.check("offsets" in group and "targets" in group, "/network offsets and targets"):
        return
    offsets = group["offsets"][()]
    targets = group["targets"][()]
    c.check(offsets.dtype == np.uint64 and targets.dtype == np.uint32,
            "/network dtypes uint64 / uint32", f"{offsets.dtype} / {targets.dtype}")
    if not c.check(offsets.ndim == 1 and targets.ndim == 1 and len(offsets) >= 1,
                   "/network 1-D, offsets non-empty"):
        return
    offsets = offsets.astype(np.int64)
    targets = targets.astype(np.int64)
    n = len(offsets) - 1
    c.check(offsets[0] == 0, "offsets[0] == 0", str(offsets[0]))
    monotone = bool(np.all(np.diff(offsets) >= 0))
    c.check(monotone, "offsets non-decreasing")
    end_ok = c.check(offsets[-1] == len(targets), "offsets[-1] == len(targets)",
                     f"{offsets[-1]} vs {len(targets)}")
    in_range = c.check(len(targets) == 0 or int(targets.max()) < n, "every target < n",
                       f"max target {targets.max() if len(targets) else '-'}, n {n}")
    if not (monotone and end_ok and in_range and offsets[0] == 0):
        return
    sources = np.repeat(np.arange(n, dtype=np.int64), np.diff(offsets))
    c.check(not np.any(sources == targets), "no self-loops",
            f"{int(np.count_nonzero(sources == targets))} found")
    forward = np.sort(sources * n + targets)
    backward = np.sort(targets * n + sources)
    c.check(np.array_equal(forward, backward), "network symmetric (every tie both ways)")
    c.check(not np.any(forward[1:] == forward[:-1]), "no parallel edges")


def check_panel(c, f, steps):
    """Panel fields are [len(steps), len(household_ids)]; panel steps lie in 0..steps."""
    if "panel" not in f:
        if not c.quiet:
            print("skip /panel (absent)")
        return
    panel = f["panel"]
    if not c.check("steps" in panel and "household_ids" in panel,
                   "/panel/steps and /panel/household_ids"):
        return
    panel_steps = panel["steps"][()]
    ids = panel["household_ids"][()]
    c.check(panel_steps.ndim == 1 and np.issubdtype(panel_steps.dtype, np.integer),
            "/panel/steps 1-D integer", f"{panel_steps.dtype} {panel_steps.shape}")
    c.check(ids.ndim == 1 and np.issubdtype(ids.dtype, np.integer),
            "/panel/household_ids 1-D integer", f"{ids.dtype} {ids.shape}")
    if steps is not None and panel_steps.size:
        c.check(bool(np.all(np.diff(panel_steps) > 0)) and panel_steps.min() >= 0
                and panel_steps.max() <= steps, "/panel/steps increasing within 0..steps")
    c.check(len(np.unique(ids)) == len(ids), "/panel/household_ids unique")
    expected = (len(panel_steps), len(ids))
    fields = panel.get("households")
    if not c.check(isinstance(fields, h5py.Group), "/panel/households group"):
        return
    bad = [f"{name} {d.shape}" for name, d in fields.items()
           if not isinstance(d, h5py.Dataset) or d.shape != expected]
    c.check(not bad, f"{len(fields)} panel fields shaped {expected}", ", ".join(bad))


def check_tables(c, f):
    """Columns of /households, /villages, /mines: 1-D, equal length within a group."""
    for name in TABLE_GROUPS:
        if name not in f:
            continue
        lengths = {}
        bad = []
        for column, dset in f[name].items():
            if isinstance(dset, h5py.Dataset) and dset.ndim == 1:
                lengths[column] = dset.shape[0]
            else:
                bad.append(column)
        c.check(not bad, f"/{name} columns are 1-D datasets", ", ".join(bad))
        c.check(len(set(lengths.values())) <= 1, f"/{name} columns have equal length",
                str(lengths))


SURVEY_SCALARS = ["alpha", "kmo", "bartlett_statistic", "bartlett_df", "bartlett_p",
                  "indirect_effect", "indirect_ci_low", "indirect_ci_high"]


def check_survey(c, f, steps):
    """/survey/step_NNNN groups: named by their `step` attribute (within 0..steps), with the
    statistics of docs/output-format.md as scalar datasets, `paths` and `alpha_by_construct` labelled by a
    `names` attribute, and `items` [respondent, item] int64 in 1..5 matching household_ids."""
    if "survey" not in f:
        if not c.quiet:
            print("skip /survey (absent)")
        return
    problems = []
    groups = list(f["survey"].items())
    for name, group in groups:
        if not isinstance(group, h5py.Group):
            problems.append(f"{name}: not a group")
            continue
        step = group.attrs.get("step")
        if step is None or not re.fullmatch(r"step_\d{4,}", name) or int(name[5:]) != int(step):
            problems.append(f"{name}: name does not match attribute step={step}")
        elif steps is not None and not 0 <= int(step) <= steps:
            problems.append(f"{name}: step {int(step)} outside 0..{steps}")
        for scalar in SURVEY_SCALARS:
            if scalar not in group or group[scalar].shape != ():
                problems.append(f"{name}/{scalar}: missing or not a scalar")
        for vector in ("paths", "alpha_by_construct"):
            d = group.get(vector)
            if d is None or d.ndim != 1:
                problems.append(f"{name}/{vector}: missing or not 1-D")
            elif len(d.attrs.get("names", [])) != d.shape[0]:
                problems.append(f"{name}/{vector}: `names` attribute does not label every value")
        items, ids = group.get("items"), group.get("household_ids")
        if items is None or ids is None:
            problems.append(f"{name}: items or household_ids missing")
            continue
        if items.ndim != 2 or items.dtype != np.int64 or items.shape[0] != ids.shape[0]:
            problems.append(f"{name}/items: {items.dtype} {items.shape}, expected int64 "
                            f"[{ids.shape[0]}, items]")
            continue
        if len(items.attrs.get("names", [])) != items.shape[1]:
            problems.append(f"{name}/items: `names` attribute does not label every column")
        values = items[()]
        if values.size and (values.min() < 1 or values.max() > 5):
            problems.append(f"{name}/items: answers outside 1..5")
        if ids.shape[0] > 1 and not bool(np.all(np.diff(ids[()]) > 0)):
            problems.append(f"{name}/household_ids: not strictly increasing")
    c.check(not problems, f"{len(groups)} survey(s) complete and consistent",
            "; ".join(problems[:10]) + (" ..." if len(problems) > 10 else ""))


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Verify a minesim run file against the output contract (docs/output-format.md).",
        epilog="Exit status: 0 all checks pass, 1 a check failed, 2 bad arguments.")
    parser.add_argument("run", metavar="RUN.h5", help="run file to check")
    parser.add_argument("--require", metavar="NAME", nargs="+", action="extend", default=[],
                        help="time series that must be present (repeatable)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="print only failures and the summary line")
    args = parser.parse_args(argv)

    c = Checker(quiet=args.quiet)
    try:
        f = h5py.File(args.run, "r")
    except Exception as e:  # missing, unreadable or truncated: one line, not a traceback
        c.check(False, f"open {args.run}", str(e).splitlines()[0] if str(e) else type(e).__name__)
        return 1
    with f:
        c.check(True, f"open {args.run}")
        steps = check_root(c, f)
        check_scenario(c, f)
        names = check_timeseries(c, f, steps)
        missing = [r for r in args.require if r not in names]
        if args.require:
            c.check(not missing, f"{len(args.require)} required time series present",
                    "missing " + ", ".join(missing))
        check_all_datasets_documented(c, f)
        check_network(c, f)
        check_panel(c, f, steps)
        check_tables(c, f)
        check_survey(c, f, steps)

    if c.failures:
        print(f"{c.failures} check(s) failed: {args.run}")
        return 1
    print(f"all checks passed: {args.run}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
