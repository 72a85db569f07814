"""Routing core: one generic prize-collecting VRP with time windows, several solvers."""
