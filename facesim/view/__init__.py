"""The live consultation viewer: one self-contained HTML page that recomputes the face in the browser."""
