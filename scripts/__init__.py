"""Build-time glue: the figure registry, the cache, the MkDocs hook and the benchmarks.

It imports optim_ref; optim_ref never imports it.
"""
