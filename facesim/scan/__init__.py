"""A patient's own 3D scan: import, the ICT-FaceKit face, fitting muscle placement to FACS shapes."""
