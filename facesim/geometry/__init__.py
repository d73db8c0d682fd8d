"""Pure array functions on meshes: the cotangent Laplacian, vertex areas, mesh repair."""
