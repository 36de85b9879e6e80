"""Bundled data: FEBRL with its truth (generated benchmark tables live in benchmarks/)."""
