"""The matching engine: pandas, numpy, recordlinkage and scikit-learn only.

Nothing under this package imports Great Expectations or SQLAlchemy; the GX layer, the store
and the command line call into it, never the other way round.
"""
