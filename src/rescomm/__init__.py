"""rescomm: Resilient Communities.

Small-area resilience measurement, community asset mapping and social prescribing for
English local authorities, the NHS and the voluntary sector.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
