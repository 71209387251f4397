"""Acceptance: COINr's ASEM example coin is reproduced to 2 decimals.

Build: Denominate -> group-mean imputation by EurAsia_group -> screen (90% availability) ->
Winsorise up to 5 points (log fallback) -> min-max 0-100 -> arithmetic means, all weights 1
(COINr ``R/examples.R::build_example_coin``). Expected values: ``golden/README.md``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from measure_helpers import GOLDEN, SPECS

from rescomm.measure import MeasureWarning, build

NODES = ["Index", "Conn", "Sust", "Physical", "ConEcFin", "Political", "Instit", "P2P",
         "Environ", "Social", "SusEcFin"]


def _node(name: str) -> str:
    return "index" if name == "Index" else name


@pytest.fixture(scope="module")
def asem(asem_data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MeasureWarning)
        return build(SPECS / "asem.yaml", asem_data)


def test_every_published_asem_score_is_reproduced_to_two_decimals(asem):
    golden = pd.read_csv(GOLDEN / "coinr_asem_results.csv").set_index("uCode")
    res = asem.results.set_index("area_code")
    for code, row in golden.iterrows():
        for name in NODES:
            got = res.loc[code, f"{_node(name)}_score"]
            assert round(got, 2) == pytest.approx(row[name], abs=1e-9), (code, name, got)


def test_asem_ranks_match_coinr_with_the_worst_first_convention(asem):
    res = asem.results.set_index("area_code")
    n = len(res)
    golden = pd.read_csv(GOLDEN / "coinr_asem_results.csv").set_index("uCode")
    for code, row in golden.iterrows():
        assert n + 1 - res.loc[code, "index_rank"] == row["coinr_rank"]
    ind = pd.read_csv(GOLDEN / "coinr_asem_unit_ranks_ind.csv")
    for _, row in ind.iterrows():
        assert n + 1 - res.loc["IND", f"{_node(row['node'])}_rank"] == row["coinr_rank"]


def test_asem_imputes_by_group_and_keeps_all_51_units(asem):
    assert len(asem.results) == 51
    report = asem.reports["impute"]
    assert set(report["method"]) == {"group_mean"}
    assert set(report["group"]) <= {"Europe", "Asia"}
    assert len(report) == next(r for r in asem.log if r.step == "impute").summary["imputed_cells"]


def test_asem_treatment_winsorises_fifteen_indicators_and_logs_none(asem):
    # anchors_index.md §1: "15 of 49 indicators get winsorised and none need the log transform"
    treat = asem.reports["treat"]
    assert (treat["nwin"] > 0).sum() == 15
    assert (treat["transform"] == "").all()
    assert treat["nwin"].max() <= 5


def test_asem_effective_weights_follow_the_equal_weight_tree(asem):
    eff = asem.effective_weights
    assert eff.sum() == pytest.approx(1.0)
    # LPI is one of 8 Physical indicators, Physical one of 5 Conn pillars, Conn one of 2
    assert eff["LPI"] == pytest.approx(1 / 8 / 5 / 2)


def test_asem_explain_contributions_add_up_to_the_index_score(asem):
    table = asem.explain("CHE")
    score = asem.results.set_index("area_code").loc["CHE", "index_score"]
    assert table["contribution"].sum() == pytest.approx(score)
    assert np.isclose(table["share"].sum(), 1.0)
