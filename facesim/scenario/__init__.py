"""Case files: reading and validating scenarios and histories."""
