"""Engage: participatory budgeting, Django-free (issue 15, first slice).

Read and write elections in the pabulib ``.pb`` format and count them by greedy selection or
the Method of Equal Shares, through the pabutools library (decision 48). pabutools is imported
only when a file is read, written or counted, so importing this package stays light.

>>> from rescomm.engage import read_pabulib, count
>>> result = count(read_pabulib("election.pb"), "equal-shares")  # doctest: +SKIP
"""

from ._count import COMPLETIONS, RULES, CountResult, Funded, count
from ._pabulib import (
    COUNTED_VOTE_TYPES,
    Election,
    PabulibError,
    Project,
    parse_pabulib_text,
    read_pabulib,
    write_pabulib,
)

__all__ = [
    "COMPLETIONS",
    "COUNTED_VOTE_TYPES",
    "RULES",
    "CountResult",
    "Election",
    "Funded",
    "PabulibError",
    "Project",
    "count",
    "parse_pabulib_text",
    "read_pabulib",
    "write_pabulib",
]
