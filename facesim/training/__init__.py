"""Training mode: practice cases, answers, scoring and feedback, pictures."""
