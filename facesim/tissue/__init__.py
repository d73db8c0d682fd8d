"""The factorized tissue system, the response basis and FaceModel."""
