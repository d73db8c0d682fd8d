"""Conservative dose planning under uncertainty: samples, search kernel, ranking, staged plan."""
