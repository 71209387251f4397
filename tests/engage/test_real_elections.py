"""Counting real published elections (pabulib files, tests/engage/data/README.md): our results
equal pabutools' own on the same file, read by pabutools' own parser, and our greedy selection
equals the projects the city funded (the file's `selected` column, Warsaw's greedy rule)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pabutools.election import Cost_Sat, parse_pabulib
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

from rescomm.engage import count, read_pabulib, write_pabulib

DATA = Path(__file__).parent / "data"
FILES = sorted(DATA.glob("*.pb"))


def test_the_real_files_are_here():
    assert len(FILES) == 3


def _pabutools_directly(path: Path, rule: str, completion: str) -> set[str]:
    instance, profile = parse_pabulib(str(path))
    if rule == "greedy":
        outcome = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    else:
        outcome = method_of_equal_shares(
            instance, profile, sat_class=Cost_Sat,
            voter_budget_increment=None if completion == "none" else 1)
        if completion == "add1-greedy":
            outcome = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat,
                                                 initial_budget_allocation=outcome)
    return {str(p.name) for p in outcome}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize(("rule", "completion"), [
    ("greedy", "add1"), ("equal-shares", "add1"), ("equal-shares", "none"),
    ("equal-shares", "add1-greedy")])
def test_our_count_is_pabutools_count(path, rule, completion):
    result = count(read_pabulib(path), rule, completion=completion)
    assert {p.project_id for p in result.selected} == _pabutools_directly(path, rule, completion)
    assert result.total_cost <= result.budget


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_greedy_selects_what_the_city_funded(path):
    election = read_pabulib(path)
    funded = [p.project_id for p in election.projects if p.selected_in_file]
    assert funded, "the file should say which projects were funded"
    result = count(election, "greedy")
    assert [p.project_id for p in result.selected] == funded


def _file_column(path: Path, column: str) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index("PROJECTS")
    header = lines[start + 1].split(";")
    rows = {}
    for line in lines[start + 2:]:
        if line == "VOTES":
            break
        fields = line.split(";")
        rows[fields[0]] = fields[header.index(column)]
    return rows


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_vote_counts_match_the_published_totals(path):
    election = read_pabulib(path)
    published = {k: int(v) for k, v in _file_column(path, "votes").items()}
    assert election.votes == published


def test_greedy_skips_a_project_that_no_longer_fits_and_equal_shares_differs():
    path = DATA / "poland_warszawa_2019_nadwisle.pb"
    election = read_pabulib(path)
    greedy = count(election, "greedy")
    chosen = {p.project_id for p in greedy.selected}
    by_votes = sorted(election.projects, key=lambda p: -election.votes[p.project_id])
    skipped = [p for p in by_votes if p.project_id not in chosen]
    # a project with more votes than the last one funded was skipped: it did not fit
    last_funded_votes = min(p.votes for p in greedy.selected)
    assert any(election.votes[p.project_id] > last_funded_votes for p in skipped)
    assert all(p.cost > greedy.budget_left for p in skipped)
    shares = count(election, "equal-shares")
    assert chosen != {p.project_id for p in shares.selected}


def test_selected_is_in_file_order_and_selection_order_is_the_rules():
    election = read_pabulib(DATA / "poland_warszawa_2019_nadwisle.pb")
    result = count(election, "greedy")
    file_order = [p.project_id for p in election.projects]
    ids = [p.project_id for p in result.selected]
    assert ids == sorted(ids, key=file_order.index)
    assert sorted(result.selection_order) == sorted(ids)
    votes = [election.votes[i] for i in result.selection_order]
    assert votes == sorted(votes, reverse=True)  # greedy picks by votes


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_a_written_file_reads_back_to_the_same_election_and_count(path, tmp_path):
    election = read_pabulib(path)
    out = tmp_path / "copy.pb"
    write_pabulib(election, out)
    again = read_pabulib(out)
    assert again.votes == election.votes
    # pabutools' writer puts the projects in natural order of their ids
    assert sorted((p.project_id, p.cost, p.name) for p in again.projects) == \
        sorted((p.project_id, p.cost, p.name) for p in election.projects)
    assert again.budget == election.budget and again.voters == election.voters
    for rule, completion in (("greedy", "add1"), ("equal-shares", "none")):
        assert {p.project_id for p in count(again, rule, completion=completion).selected} == \
            {p.project_id for p in count(election, rule, completion=completion).selected}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_the_quick_satisfactions_equal_pabutools_cost_sat(path):
    """Equal Shares and greedy are handed quicker forms of Cost_Sat (rescomm.engage._count);
    every voter's satisfaction with every project, and each project's total, must be the same."""
    from rescomm.engage._count import _approval_cost_sat, _cost_sat_totals

    election = read_pabulib(path)
    instance, profile = election._instance, election._profile
    quick = _approval_cost_sat()
    totals = _cost_sat_totals(election)
    for project in instance:
        total = 0
        for ballot in profile:
            reference = Cost_Sat(instance, profile, ballot)
            value = reference.sat_project(project)
            assert quick(instance, profile, ballot).sat_project(project) == value
            total += value
        assert totals.total_satisfaction_project(project) == total
