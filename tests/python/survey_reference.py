#!/usr/bin/python3
"""Independent numpy reference of the survey statistics (docs/odd.md §3.13), to check what the
C++ survey writes under /survey/step_NNNN.

    survey_reference.py RUN.h5     recompute every survey from its stored items and
                                   compare; exit 0 when all agree, 1 otherwise

Written from the textbook formulas, sharing no code with src/engine/survey_statistics.cpp:
correlations by numpy.corrcoef, the inverse by numpy.linalg.inv, the determinant by
numpy.linalg.slogdet, regressions by numpy.linalg.lstsq, and the chi-square tail by the
regularized incomplete gamma function (series and continued fraction).
"""

import math
import sys

import h5py
import numpy as np


def cronbach_alpha(items):
    """k / (k - 1) * (1 - sum of item variances / variance of the total)."""
    k = items.shape[1]
    return k / (k - 1) * (1 - items.var(axis=0, ddof=1).sum() / items.sum(axis=1).var(ddof=1))


def kmo(items):
    """sum r^2 / (sum r^2 + sum a^2) off the diagonal, a the anti-image correlations."""
    r = np.corrcoef(items.T)
    q = np.linalg.inv(r)
    d = np.sqrt(np.diag(q))
    a = -q / np.outer(d, d)
    off = ~np.eye(len(r), dtype=bool)
    r2, a2 = (r[off] ** 2).sum(), (a[off] ** 2).sum()
    return r2 / (r2 + a2)


def gamma_q(a, x):
    """Regularized upper incomplete gamma Q(a, x)."""
    if x <= 0:
        return 1.0
    log_front = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1:  # series for P(a, x)
        term = total = 1.0 / a
        ap = a
        for _ in range(10000):
            ap += 1
            term *= x / ap
            total += term
            if abs(term) < abs(total) * 1e-16:
                break
        return 1.0 - total * math.exp(log_front)
    # Continued fraction for Q(a, x) (modified Lentz).
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, 10000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-16:
            break
    return math.exp(log_front) * h


def bartlett(items):
    """(statistic, df, p) of Bartlett's sphericity test."""
    n, p = items.shape
    sign, logdet = np.linalg.slogdet(np.corrcoef(items.T))
    statistic = -(n - 1 - (2 * p + 5) / 6) * logdet
    df = p * (p - 1) / 2
    return statistic, df, gamma_q(df / 2, statistic / 2)


def standardized_coefficients(y, x):
    """Least squares of z-scored y on z-scored columns of x."""
    z = lambda v: (v - v.mean(axis=0)) / v.std(axis=0, ddof=1)  # noqa: E731
    coefficients, *_ = np.linalg.lstsq(z(np.atleast_2d(x.T).T), z(y), rcond=None)
    return coefficients


def paths(scores):
    """P~E, C~P, R~C, S~C, S~P, S~R from construct scores (columns E, P, C, R, S)."""
    e, p, c, r, s = (scores[:, i] for i in range(5))
    full = standardized_coefficients(s, np.column_stack([c, p, r]))
    return np.array([standardized_coefficients(p, e)[0], standardized_coefficients(c, p)[0],
                     standardized_coefficients(r, c)[0], full[0], full[1], full[2]])


def construct_scores(items, per_construct):
    return np.column_stack([items[:, k * per_construct:(k + 1) * per_construct].mean(axis=1)
                            for k in range(items.shape[1] // per_construct)])


def compare(path):
    """Recompute every survey of ``path``; return a list of disagreements."""
    problems = []
    with h5py.File(path, "r") as f:
        if "survey" not in f:
            return ["no /survey group"]
        for name, g in f["survey"].items():
            items = np.asarray(g["items"][()], dtype=np.float64)
            per = items.shape[1] // 5
            expected = {"alpha": cronbach_alpha(items), "kmo": kmo(items)}
            expected["bartlett_statistic"], expected["bartlett_df"], expected["bartlett_p"] = \
                bartlett(items)
            scores = construct_scores(items, per)
            expected_paths = paths(scores)
            expected["indirect_effect"] = expected_paths[1] * expected_paths[3]
            by_construct = [cronbach_alpha(items[:, k * per:(k + 1) * per]) for k in range(5)]
            for key, value in expected.items():
                stored = float(g[key][()])
                if not math.isclose(stored, value, rel_tol=1e-9, abs_tol=1e-12):
                    problems.append(f"{name}/{key}: stored {stored!r}, reference {value!r}")
            for key, values in (("paths", expected_paths), ("alpha_by_construct", by_construct)):
                if not np.allclose(g[key][()], values, rtol=1e-9, atol=1e-12):
                    problems.append(f"{name}/{key}: stored {g[key][()]}, reference {values}")
            low, high = float(g["indirect_ci_low"][()]), float(g["indirect_ci_high"][()])
            if not low <= high:
                problems.append(f"{name}: interval [{low}, {high}] is not ordered")
    return problems


def main(argv):
    if len(argv) != 2:
        print("usage: survey_reference.py RUN.h5", file=sys.stderr)
        return 2
    problems = compare(argv[1])
    for p in problems:
        print("FAIL", p)
    if not problems:
        print(f"survey statistics agree with the numpy reference: {argv[1]}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
