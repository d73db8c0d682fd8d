"""The face mesh: the Face object, the built-in face, face files, regions, the mouth slit, frames, landmark stencils."""
