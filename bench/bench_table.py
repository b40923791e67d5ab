"""Samples, the rows of the benchmark's table, and how the table is printed."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field


class BenchError(RuntimeError):
    """A measurement could not be made (an app did not start, answer or draw in time)."""


@dataclass
class Samples:
    """Durations of one measured scenario, in milliseconds.

    Attributes
    ----------
    values
        One duration per step, load or sync.
    """

    values: list[float] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.values)

    @property
    def median(self) -> float | None:
        """Median of the values, None without values."""
        return statistics.median(self.values) if self.values else None

    def percentile(self, share: float) -> float | None:
        """Nearest-rank percentile (``share`` in 0–1): a value that was measured, never interpolated.

        Parameters
        ----------
        share
            0.95 for the 95th percentile.

        Returns
        -------
        float or None
            The value, None without values.
        """
        if not self.values:
            return None
        ordered = sorted(self.values)
        return ordered[max(0, math.ceil(share * len(ordered)) - 1)]

    @property
    def p95(self) -> float | None:
        """95th percentile (nearest rank)."""
        return self.percentile(0.95)


@dataclass
class Row:
    """One line of the table: a measure, its result, its target and whether it is met.

    Attributes
    ----------
    measure
        What was measured.
    result
        The figure, as printed.
    target
        The target, as printed ("" for figures given for comparison only).
    ok
        True when met, False when missed, None when there is no target or no figure.
    failed
        True when the measurement itself failed (the result says why).
    """

    measure: str
    result: str
    target: str = ""
    ok: bool | None = None
    failed: bool = False

    @property
    def verdict(self) -> str:
        """PASS, MISS, FAILED, or "" for a figure without a target."""
        if self.failed:
            return "FAILED"
        if self.ok is None:
            return ""
        return "PASS" if self.ok else "MISS"


def ms(value: float | None) -> str:
    """Milliseconds for the table: ``"12 ms"``, ``"2.31 s"`` from 10 s up to one decimal.

    Parameters
    ----------
    value
        Milliseconds, or None.

    Returns
    -------
    str
        The text ("—" for None).
    """
    if value is None:
        return "—"
    if value < 1000:
        return f"{value:.0f} ms"
    if value < 10_000:
        return f"{value / 1000:.2f} s"
    return f"{value / 1000:.1f} s"


def median_p95(samples: Samples) -> str:
    """``"median 12 ms, p95 30 ms (n=50)"``.

    Parameters
    ----------
    samples
        The durations.

    Returns
    -------
    str
        The text.
    """
    return f"median {ms(samples.median)}, p95 {ms(samples.p95)} (n={len(samples)})"


def size(n_bytes: float) -> str:
    """Bytes for the table, in kB or MB (powers of ten, as browsers' network panels show them).

    Parameters
    ----------
    n_bytes
        A number of bytes.

    Returns
    -------
    str
        The text.
    """
    if n_bytes >= 1_000_000:
        return f"{n_bytes / 1_000_000:.2f} MB"
    return f"{n_bytes / 1000:.1f} kB"


def print_table(title: str, rows: list[Row]) -> None:
    """Print rows as a table of four columns under a title.

    Parameters
    ----------
    title
        Printed above the table.
    rows
        The rows.
    """
    headers = ("measure", "result", "target", "")
    widths = [
        max(len(headers[0]), *(len(r.measure) for r in rows)),
        max(len(headers[1]), *(len(r.result) for r in rows)),
        max(len(headers[2]), *(len(r.target) for r in rows)),
    ]
    print()
    print(title)
    line = f"{headers[0]:<{widths[0]}} | {headers[1]:<{widths[1]}} | {headers[2]:<{widths[2]}} | verdict"
    print(line)
    print("-" * len(line))
    for r in rows:
        print(f"{r.measure:<{widths[0]}} | {r.result:<{widths[1]}} | {r.target:<{widths[2]}} | {r.verdict}")
