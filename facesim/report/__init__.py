"""The self-contained HTML report: a patient page and a clinician page."""
