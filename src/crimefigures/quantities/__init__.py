"""Quantities: hedge intervals, Monte Carlo draws and units."""
