"""facesim: an injection-planning simulation engine for asymmetric smiles.

A simplified muscle-force model on a 3D face mesh, for planning support and
education. It is not a medical device and makes no clinical claim.
"""

__version__ = "0.1.0"

DISCLAIMER = (
    "facesim is a simplified model for planning support and education; "
    "it is not a medical device and its predictions are not clinically validated."
)
