"""What the plotting scripts share: resolution, time axis, saving.

Figures are built with matplotlib's constrained layout and saved with a tight bounding
box, so no label is cut off; raster files get 300 dpi, and a name ending .pdf or .svg gives
vector output.
"""

import os

#: Resolution of raster output (PNG and the like).
DPI = 300
#: Formats written as vector graphics (resolution-free).
VECTOR_SUFFIXES = (".pdf", ".svg", ".eps", ".ps")
#: Months per model step and steps per year: the time axis is in years.
STEPS_PER_YEAR = 12.0
TIME_LABEL = "Time (years)"
#: Line styles that tell several series of one panel apart when colours mark runs.
LINESTYLES = ["-", "--", ":", "-.", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 3))]


def compact_ticks(axis, values=None):
    """At most 6 ticks on ``axis`` (a matplotlib XAxis or YAxis), and, when the numbers
    reach 10,000, engineering notation (20k, 1.5M) instead of long numbers that run into
    each other or a "1e6" offset above the axis. ``values``: the data on that axis
    (default: the axis' view limits)."""
    import matplotlib.ticker as mticker
    import numpy as np

    axis.set_major_locator(mticker.MaxNLocator(nbins=6))
    data = np.asarray(axis.get_view_interval() if values is None else values, dtype=float)
    data = data[np.isfinite(data)]
    if len(data) and np.abs(data).max() >= 1e4:
        axis.set_major_formatter(mticker.EngFormatter(sep=""))


def save(fig, output, also_pdf=False):
    """Write ``fig`` to ``output`` (format from its suffix: PNG at ``DPI``, or vector for
    .pdf/.svg) with a tight bounding box; with ``also_pdf`` also write the same name with
    .pdf. Returns the paths written."""
    written = [output]
    fig.savefig(output, dpi=DPI, bbox_inches="tight")
    if also_pdf:
        pdf = os.path.splitext(output)[0] + ".pdf"
        if pdf != output:
            fig.savefig(pdf, dpi=DPI, bbox_inches="tight")
            written.append(pdf)
    return written
