"""Synthetic data: the bundled sample campaign and the national-scale generator. Nothing the app runs
imports it."""
