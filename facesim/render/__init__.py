"""Pictures of faces (pyvista, off-screen). Imported only when a picture is made."""

from .panels import FacePanel, render_panels

__all__ = ["FacePanel", "render_panels"]
