"""What facesim is: its version and the disclaimer every output carries."""

__version__ = "0.1.0"

DISCLAIMER = (
    "facesim is a simplified model for planning support and education; "
    "it is not a medical device and its predictions are not clinically validated."
)
