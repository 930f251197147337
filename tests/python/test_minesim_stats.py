"""analysis/minesim_stats.py against textbook and hand-computed values."""

import math

import numpy as np
import pandas as pd
import pytest

import minesim_stats


@pytest.mark.parametrize("p, df, expected", [
    # Student t critical values from standard tables (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2).
    (0.975, 1, 12.706204736),
    (0.975, 2, 4.302652730),
    (0.975, 5, 2.570581836),
    (0.975, 10, 2.228138852),
    (0.975, 29, 2.045229642),
    (0.995, 4, 4.604094871),
    (0.95, 20, 1.724718243),
    (0.975, 1000, 1.962339081),
])
def test_t_quantile_matches_tables(p, df, expected):
    assert minesim_stats.t_quantile(p, df) == pytest.approx(expected, abs=1e-8)
    assert minesim_stats.t_quantile(1 - p, df) == pytest.approx(-expected, abs=1e-8)


def test_t_quantile_of_one_degree_is_cauchy():
    # t with 1 df is Cauchy: quantile tan(pi (p - 1/2)).
    for p in (0.6, 0.9, 0.99):
        assert minesim_stats.t_quantile(p, 1) == pytest.approx(math.tan(math.pi * (p - 0.5)),
                                                               rel=1e-10)


def test_t_quantile_rejects_bad_arguments():
    with pytest.raises(ValueError):
        minesim_stats.t_quantile(1.0, 3)
    with pytest.raises(ValueError):
        minesim_stats.t_quantile(0.5, 0)


def test_mean_interval_by_hand():
    # [1..5]: mean 3, sd sqrt(2.5), t_{0.975,4} = 2.776445105: half-width 2.776445 * 1.581139 /
    # sqrt(5) = 1.963243.
    mean, low, high, n = minesim_stats.mean_interval([1, 2, 3, 4, 5])
    assert (mean, n) == (3.0, 5)
    half = 2.776445105 * math.sqrt(2.5) / math.sqrt(5)
    assert low == pytest.approx(3 - half, abs=1e-8)
    assert high == pytest.approx(3 + half, abs=1e-8)
    assert minesim_stats.mean_interval([7.0]) == (7.0, 7.0, 7.0, 1)
    assert math.isnan(minesim_stats.mean_interval([])[0])
    assert minesim_stats.mean_interval([1.0, np.nan, 3.0])[3] == 2  # NaN dropped


def test_paired_differences_pair_by_replicate():
    # Replicate r: baseline 10 r, arm a 10 r + [1, 2, 3][r]: differences 1, 2, 3 (mean 2,
    # sd 1, t_{0.975,2} = 4.302653: half 4.302653 / sqrt 3). Arm b lacks replicate 2.
    final = pd.DataFrame({
        "arm": ["base"] * 3 + ["a"] * 3 + ["b"] * 2,
        "replicate": [0, 1, 2, 0, 1, 2, 0, 1],
        "y": [0, 10, 20, 1, 12, 23, 5, 15],
    })
    d = minesim_stats.paired_differences(final, "y", "base")
    assert list(d.index) == ["a", "b"]
    assert d.loc["a", "mean"] == pytest.approx(2.0)
    assert d.loc["a", "high"] - d.loc["a", "mean"] == pytest.approx(4.30265273 / math.sqrt(3))
    assert d.loc["a", "pairs"] == 3
    assert d.loc["b", "mean"] == pytest.approx(5.0)
    assert d.loc["b", "low"] == pytest.approx(5.0)  # identical differences: zero width
    assert d.loc["b", "pairs"] == 2
    with pytest.raises(KeyError):
        minesim_stats.paired_differences(final, "y", "nope")


def csr(n, edges):
    adjacency = [[] for _ in range(n)]
    for a, b in edges:
        adjacency[a].append(b)
        adjacency[b].append(a)
    offsets = np.cumsum([0] + [len(r) for r in adjacency])
    targets = np.array([t for r in adjacency for t in sorted(r)])
    return offsets, targets


def test_assortativity_of_a_path_by_hand():
    # Path 0-1-2-3 with values 0..3. Ends of the 6 directed ties: a = 0,1,1,2,2,3 and
    # b = 1,0,2,1,3,2; mean 1.5; sum (a - m)(b - m) = 0.75 + 0.75 - 0.25 - 0.25 + 0.75 + 0.75
    # = 2.5; sum (a - m)^2 = 5.5: r = 5/11.
    offsets, targets = csr(4, [(0, 1), (1, 2), (2, 3)])
    r, ties = minesim_stats.scalar_assortativity(offsets, targets, [0, 1, 2, 3])
    assert r == pytest.approx(5 / 11)
    assert ties == 3


def test_degree_assortativity_of_a_star_is_minus_one():
    offsets, targets = csr(5, [(0, k) for k in range(1, 5)])
    degree = minesim_stats.degrees(offsets)
    assert list(degree) == [4, 1, 1, 1, 1]
    r, _ = minesim_stats.scalar_assortativity(offsets, targets, degree)
    assert r == pytest.approx(-1.0)


def test_assortativity_ignores_unknown_values():
    # Household 4's value is unknown (outside the panel): the tie 3-4 is left out.
    offsets, targets = csr(5, [(0, 1), (1, 2), (2, 3), (3, 4)])
    values = [0.2, 0.2, 0.9, 0.9, np.nan]
    r, ties = minesim_stats.scalar_assortativity(offsets, targets, values)
    assert ties == 3  # 0-1, 1-2, 2-3 (3-4 has an unknown end)
    # a = .2,.2,.2,.9,.9,.9 ; b = .2,.2,.9,.2,.9,.9 -> by hand r = 1/3.
    assert r == pytest.approx(1 / 3)
