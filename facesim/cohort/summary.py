"""A cohort's outcome per value of a varied parameter: a summary table and a plot (matplotlib)."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def summary(table) -> list[dict]:
    """Per varied value: patients, plans, mean units, and the chosen plans' outcomes on the truth (the mean
    fraction of (sample, window day) pairs below the threshold, the mean over-correction chance, and the
    share of planned patients with an over-correction chance above 20 %)."""
    rows = table.to_pylist()
    out = []
    for value in sorted({r["vary_value"] for r in rows}):
        group = [r for r in rows if r["vary_value"] == value]
        planned = [r for r in group if r["recommendation"] == "plan" and r["true_window_fraction"] is not None]
        window = np.array([r["true_window_fraction"] for r in planned], float)
        over = np.array([r["true_p_overcorrection"] for r in planned], float)
        out.append({"value": value, "patients": len(group), "errors": sum(1 for r in group if r["error"]),
                    "planned": len(planned),
                    "mean_units": float(np.mean([r["total_u"] for r in planned])) if planned else float("nan"),
                    "window_fraction": float(window.mean()) if planned else float("nan"),
                    "p_overcorrection": float(over.mean()) if planned else float("nan"),
                    "share_overcorrected": float(np.mean(over > 0.2)) if planned else float("nan")})
    return out


def plot(rows: list[dict], parameter: str, path: Path) -> None:
    """The outcome vs the parameter (PNG at ``path``, written by the caller's atomic writer)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = [r["value"] for r in rows]
    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=120)
    ax.plot(x, [r["window_fraction"] for r in rows], "o-", label="below the noticeable threshold (window)")
    ax.plot(x, [r["p_overcorrection"] for r in rows], "s-", label="over-correction chance (peak)")
    ax.plot(x, [r["share_overcorrected"] for r in rows], "^--", label="patients with over-correction > 20 %")
    ax.set_xlabel(f"{parameter}: the true value / the planner's assumption")
    ax.set_ylabel("fraction")
    ax.set_ylim(-0.02, 1.02)
    ax.axvline(1.0, color="0.7", lw=0.8)
    ax.set_title("recommended plans on patients who differ from the model (simulation)", fontsize=9)
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    fig.savefig(path, format="png")
    plt.close(fig)
