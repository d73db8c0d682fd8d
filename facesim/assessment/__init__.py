"""Measuring a patient: landmark input, measures, triage, fitting the patient's multipliers."""
