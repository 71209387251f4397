"""Vocabularies of the community-asset tables: capitals, needs, categories and size classes.

Which community capitals (Flora & Flora's Community Capitals Framework) and social-prescribing
needs each asset category is tagged with, the Natural England green-space size classes, and the
Arts Council England library operation models. The reasons for each mapping are in
``docs/assets-data.md`` §2.

References
----------
Emery, M. & Flora, C. (2006). Spiraling-up: mapping community transformation with community
capitals framework. Community Development 37(1): 19-35. doi:10.1080/15575330609490152.
Natural England (2023). Green Infrastructure Standards for England, summary v1.1.
"""

from __future__ import annotations

import pandas as pd

from ._needs import NEED_CODES

#: The seven community capitals (Flora & Flora's Community Capitals Framework), canonical order.
CAPITALS: tuple[str, ...] = (
    "natural", "cultural", "human", "social", "political", "financial", "built",
)

#: Social-prescribing need codes an asset can help with: the referral need codes, one list.
NEEDS: tuple[str, ...] = NEED_CODES

#: Asset categories in the bundled data.
CATEGORIES: tuple[str, ...] = ("gp_practice", "library", "school", "green_space")

#: Capitals each category of asset builds; reasons in ``docs/assets-data.md``.
CATEGORY_CAPITALS: dict[str, tuple[str, ...]] = {
    "gp_practice": ("human", "built"),
    "library": ("cultural", "human", "social", "built"),
    "school": ("human", "built"),
    "green_space": ("natural",),
}

#: Social-prescribing needs each category can help with; reasons in ``docs/assets-data.md``.
CATEGORY_NEEDS: dict[str, tuple[str, ...]] = {
    "gp_practice": ("low_mood", "long_term_condition", "carer_support"),
    "library": ("loneliness", "low_mood", "long_term_condition", "employment"),
    "school": (),
    "green_space": ("low_mood", "physical_activity"),
}

#: Natural England Green Infrastructure Standards size classes (label, minimum hectares),
#: cumulative: a site in a larger class also meets every smaller one.
GREENSPACE_CLASSES: tuple[tuple[str, float], ...] = (
    ("under_0.5ha", 0.0),
    ("doorstop (>=0.5ha)", 0.5),
    ("local (>=2ha)", 2.0),
    ("neighbourhood (>=10ha)", 10.0),
    ("wider (>=20ha)", 20.0),
    ("district (>=100ha)", 100.0),
    ("subregional (>=500ha)", 500.0),
)
#: Minimum hectares of each size class, by label.
GREENSPACE_MIN_HA: dict[str, float] = dict(GREENSPACE_CLASSES)
#: Readable size-class labels for asset names ("local, 2 ha or more").
GREENSPACE_LABELS: dict[str, str] = {
    c: (f"{c.split(' ')[0]}, {h:g} ha or more" if h else "under 0.5 ha")
    for c, h in GREENSPACE_CLASSES
}

#: ACE operation-model codes (as standardised by Libraries Hacked from the ACE guidance).
LIBRARY_OPERATION_MODELS: dict[str, str] = {
    "LA": "local authority run",
    "LAU": "local authority run, unstaffed",
    "C": "commissioned (run for the council by another organisation)",
    "CR": "community run (part of the statutory service)",
    "ICL": "independent community library (outside the statutory service)",
}


def asset_tags(assets: pd.DataFrame, column: str) -> pd.DataFrame:
    """Boolean membership table of a ``;``-joined tag column (``"capitals"`` or ``"needs"``).

    Returns one boolean column per vocabulary term (:data:`CAPITALS` or :data:`NEEDS`), aligned
    with ``assets``.
    """
    vocab = {"capitals": CAPITALS, "needs": NEEDS}.get(column)
    if vocab is None:
        raise ValueError(f"column must be 'capitals' or 'needs', not {column!r}")
    split = assets[column].fillna("").astype(str).str.split(";")
    return pd.DataFrame({t: split.map(lambda xs, t=t: t in xs).astype(bool) for t in vocab},
                        index=assets.index)
