"""Bundled and generated data: FEBRL with its truth, and synthetic person tables."""
