"""Small statistics for the analysis scripts, with numpy only (no scipy on the machines
that run the scripts): Student t quantiles, confidence intervals of means, paired
differences of batch arms, and scalar assortativity on a CSR network.
"""

import math

import numpy as np
import pandas as pd

__all__ = ["t_quantile", "mean_interval", "paired_differences", "scalar_assortativity",
           "degrees"]


def _betacf(a, b, x):
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 500):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def _betainc(a, b, x):
    """Regularized incomplete beta I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                     + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def t_cdf(t, df):
    """Cumulative distribution of Student's t with ``df`` degrees of freedom."""
    tail = 0.5 * _betainc(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def t_quantile(p, df):
    """Quantile ``p`` (0 < p < 1) of Student's t with ``df`` > 0 degrees of freedom, by
    bisection on the cdf (absolute accuracy about 1e-12)."""
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must lie in (0, 1), got {p}")
    if df <= 0:
        raise ValueError(f"df must be positive, got {df}")
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        high *= 2.0
    for _ in range(200):
        mid = 0.5 * (low + high)
        if t_cdf(mid, df) < p:
            low = mid
        else:
            high = mid
        if high - low < 1e-13 * max(1.0, high):
            break
    return 0.5 * (low + high)


def mean_interval(values, level=0.95):
    """Mean of ``values`` and its ``level`` confidence interval from Student's t:
    mean -/+ t_{(1+level)/2, n-1} sd / sqrt(n). Returns (mean, low, high, n); the interval
    is (mean, mean) for one value and NaN for none. NaN values are dropped."""
    x = np.asarray(values, dtype=np.float64)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return (math.nan, math.nan, math.nan, 0)
    mean = float(x.mean())
    if n == 1:
        return (mean, mean, mean, 1)
    half = t_quantile(0.5 + level / 2.0, n - 1) * float(x.std(ddof=1)) / math.sqrt(n)
    return (mean, mean - half, mean + half, n)


def paired_differences(final, metric, baseline, level=0.95):
    """Paired differences arm - baseline of one metric's final values, paired by replicate
    (replicate r of every arm shares its seed).

    ``final``: DataFrame with columns ``arm``, ``replicate`` and ``metric`` (see
    minesim_io.load_batch). Returns a DataFrame indexed by arm (baseline excluded, arms in
    order of first appearance) with columns ``mean``, ``low``, ``high``, ``pairs``.
    Replicates missing from either arm are left out. Raises KeyError for an unknown
    baseline.
    """
    table = final.pivot_table(index="replicate", columns="arm", values=metric, aggfunc="first")
    if baseline not in table.columns:
        raise KeyError(f"baseline arm '{baseline}' not in the batch (arms: "
                       f"{', '.join(map(str, table.columns))})")
    order = [a for a in pd.unique(final["arm"]) if a != baseline]
    rows = []
    for arm in order:
        pair = table[[arm, baseline]].dropna()
        mean, low, high, n = mean_interval(pair[arm] - pair[baseline], level)
        rows.append({"arm": arm, "mean": mean, "low": low, "high": high, "pairs": n})
    frame = pd.DataFrame(rows, columns=["arm", "mean", "low", "high", "pairs"])
    return frame.set_index("arm")


def degrees(offsets):
    """Degree of every node of a CSR network from its offsets."""
    return np.diff(np.asarray(offsets, dtype=np.int64))


def scalar_assortativity(offsets, targets, values):
    """Newman's scalar assortativity of ``values`` on an undirected CSR network: the Pearson
    correlation of (values[i], values[j]) over every tie listed both ways. Ties with an
    endpoint whose value is NaN (a household outside the sample) are left out.

    Returns (r, ties used); r is NaN with no usable tie or no variance.
    """
    offsets = np.asarray(offsets, dtype=np.int64)
    targets = np.asarray(targets, dtype=np.int64)
    values = np.asarray(values, dtype=np.float64)
    sources = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    a, b = values[sources], values[targets]
    keep = ~(np.isnan(a) | np.isnan(b))
    a, b = a[keep], b[keep]
    if len(a) < 2 or a.std() == 0.0:
        return (math.nan, int(len(a) // 2))
    # Both directions are listed, so a and b have the same distribution: one mean and
    # variance serve both (Newman 2003, eq. 21).
    mean = a.mean()
    r = float(((a - mean) * (b - mean)).mean() / ((a - mean) ** 2).mean())
    return (r, int(len(a) // 2))
