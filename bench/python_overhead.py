#!/usr/bin/env python3
"""What stepping from Python costs on top of the model: the baseline (5,000 households,
240 months) on one thread, stepped from Python one month at a time, twelve at a time and
all at once, against the same run made by `minesim run`, as whole processes run alternately.

    PYTHONPATH=build/python /usr/bin/python3 bench/python_overhead.py [--repeats 5]

For each way it prints the median over the repeats of
  - the steps' wall time as Python sees it (around the step calls), and the model's own time
    for the same steps (the run's /timings, which the command line records as well), whose
    difference is the overhead of the Python calls, per step;
  - the whole process, start to finish (interpreter, import, scenario, run, run file), for
    Python and for the command line.
The figures are recorded in docs/performance.md ("The Python module").
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCENARIO = REPO / "scenarios" / "baseline.toml"

# One run in a fresh interpreter: prints "<steps wall> <model step seconds> <process wall>".
CHILD = r"""
import sys, time
started = time.perf_counter()
import h5py, minesim
scenario, out, chunk = sys.argv[1], sys.argv[2], int(sys.argv[3])
sim = minesim.Simulation(scenario, seed=1, threads=1)
begin = time.perf_counter()
while sim.step_now < sim.steps:
    sim.step(min(chunk, sim.steps - sim.step_now))
stepping = time.perf_counter() - begin
sim.save(out)
with h5py.File(out, "r") as f:
    model = f.attrs["wall_seconds"] - f["timings"].attrs["initialisation"]
print(stepping, model, time.perf_counter() - started)
"""


def python_run(chunk, out):
    env = dict(os.environ, OMP_NUM_THREADS="1")
    result = subprocess.run([sys.executable, "-c", CHILD, str(SCENARIO), out, str(chunk)],
                            capture_output=True, text=True, check=True, env=env)
    return [float(x) for x in result.stdout.split()]


def cli_run(exe, out):
    import h5py
    started = time.perf_counter()
    subprocess.run([exe, "run", str(SCENARIO), "--seed", "1", "--threads", "1", "-o", out,
                    "--quiet", "--force"], check=True)
    wall = time.perf_counter() - started
    with h5py.File(out, "r") as f:
        model = f.attrs["wall_seconds"] - f["timings"].attrs["initialisation"]
    return model, wall


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--exe", default=str(REPO / "build" / "minesim"))
    args = parser.parse_args()
    chunks = [1, 12, 240]
    steps = {c: [] for c in chunks}
    model = {c: [] for c in chunks}
    process = {c: [] for c in chunks}
    cli_model, cli_wall = [], []
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "run.h5")
        for _ in range(args.repeats):  # alternately: A B C D, A B C D, ...
            m, w = cli_run(args.exe, out)
            cli_model.append(m)
            cli_wall.append(w)
            for c in chunks:
                os.remove(out)
                s, m, w = python_run(c, out)
                steps[c].append(s)
                model[c].append(m)
                process[c].append(w)
    med = statistics.median
    n = 240
    print(f"baseline, 5,000 households x {n} months, 1 thread, median of {args.repeats}")
    print(f"{'how':28s} {'steps (s)':>10s} {'model (s)':>10s} {'overhead/step':>14s}"
          f" {'process (s)':>12s}")
    print(f"{'minesim run':28s} {'':>10s} {med(cli_model):10.3f} {'':>14s}"
          f" {med(cli_wall):12.3f}")
    for c in chunks:
        over = [(s - m) / n * 1e6 for s, m in zip(steps[c], model[c])]
        label = f"Python, step({c}) x {n // c}"
        print(f"{label:28s} {med(steps[c]):10.3f} {med(model[c]):10.3f}"
              f" {med(over):11.1f} us {med(process[c]):12.3f}")


if __name__ == "__main__":
    main()
