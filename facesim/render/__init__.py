"""Pictures of faces (pyvista, off-screen). Imported only when a picture is made."""

from facesim.render.panels import FacePanel, InjectionMark, MuscleBand, PanelScene, build_scene, render_panels

__all__ = ["FacePanel", "InjectionMark", "MuscleBand", "PanelScene", "build_scene", "render_panels"]
