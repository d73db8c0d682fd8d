"""facesim: an injection-planning simulation engine for asymmetric smiles.

A simplified muscle-force model on a 3D face mesh, for planning support and
education. It is not a medical device and makes no clinical claim.

The public API (facesim.api) is loaded on first use, so ``import facesim`` stays light::

    import facesim as fs
    model = fs.FaceModel.builtin(n_vertices=3000)
"""

from facesim.about import DISCLAIMER, __version__  # noqa: F401

_API = ("Assessment", "FaceModel", "History", "Patient", "PlanResult", "PlannerSettings", "Scenario", "Shot",
        "SiteRef", "Timeline", "assess", "load_scenario", "plan", "render_before_after", "simulate", "write_report")


def __getattr__(name: str):
    """Load the public API (facesim.api) on first use of one of its names."""
    if name in _API:
        from facesim import api

        return getattr(api, name)
    raise AttributeError(f"module 'facesim' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_API])
