"""Versioned clinical code lists bundled as CSV (no Django).

>>> event_code("received").concept_id
'871731000000106'
"""

from ._code_lists import (
    CodeListError,
    SnomedCode,
    event_code,
    is_valid_sctid,
    load_code_list,
)

__all__ = ["CodeListError", "SnomedCode", "event_code", "is_valid_sctid", "load_code_list"]
