"""Malformed and hostile .pb files are refused with one line naming file, section and line;
nothing is returned half-read; a file that is refused is never counted."""

from __future__ import annotations

import pytest

from rescomm.engage import PabulibError, count, parse_pabulib_text, read_pabulib

META = """META
key;value
description;test election (hand-written for this test)
country;United Kingdom
unit;Example
instance;2025
num_projects;3
num_votes;3
budget;100
vote_type;approval
max_sum_cost;100
"""
PROJECTS = """PROJECTS
project_id;cost;name
1;60;Bench
2;50;Bins
3;40;Trees
"""
VOTES = """VOTES
voter_id;vote
v1;1,3
v2;2
v3;1
"""


def _read(text: str, tmp_path, name: str = "x.pb"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_pabulib(path)


def _refused(text: str, tmp_path, *fragments: str) -> str:
    with pytest.raises(PabulibError) as caught:
        _read(text, tmp_path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(str(tmp_path / "x.pb"))
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_the_good_file_reads_and_counts(tmp_path):
    election = _read(META + PROJECTS + VOTES, tmp_path)
    assert election.votes == {"1": 2, "2": 1, "3": 1}
    result = count(election, "greedy")
    # 1 (2 votes, 60) first; then 2 (50) no longer fits in 40; 3 (40) does
    assert [p.project_id for p in result.selected] == ["1", "3"]
    assert result.selection_order == ["1", "3"]
    assert result.total_cost == 100 and result.budget_left == 0


@pytest.mark.parametrize("section", ["META", "PROJECTS", "VOTES"])
def test_a_missing_section_is_named(tmp_path, section):
    parts = {"META": META, "PROJECTS": PROJECTS, "VOTES": VOTES}
    text = "".join(v for k, v in parts.items() if k != section)
    message = _refused(text, tmp_path)
    assert section in message


def test_sections_out_of_order(tmp_path):
    _refused(META + VOTES + PROJECTS, tmp_path, "line 12", "VOTES comes before PROJECTS")


def test_unknown_project_in_a_vote(tmp_path):
    _refused(META + PROJECTS + VOTES.replace("v2;2", "v2;2,9"), tmp_path,
             "line 20 (VOTES)", "voter v2 votes for project 9, which is not in PROJECTS")


def test_a_knapsack_vote_over_the_budget(tmp_path):
    _refused(META + PROJECTS + VOTES.replace("v1;1,3", "v1;1,2"), tmp_path,
             "line 19 (VOTES)", "costing 110, more than max_sum_cost 100")


def test_a_vote_longer_than_max_length(tmp_path):
    text = META.replace("max_sum_cost;100", "max_length;1") + PROJECTS + VOTES
    _refused(text, tmp_path, "line 19 (VOTES)", "chooses 2 projects, more than max_length 1")


def test_a_choose_one_ballot_with_two_projects(tmp_path):
    text = META.replace("vote_type;approval", "vote_type;choose-1") + PROJECTS + VOTES
    _refused(text, tmp_path, "line 19 (VOTES)", "more than max_length 1")


@pytest.mark.parametrize("cost", ["sixty", "", "-5", "1/0", "nan"])
def test_a_bad_cost(tmp_path, cost):
    _refused(META + PROJECTS.replace("1;60;Bench", f"1;{cost};Bench") + VOTES, tmp_path,
             "line 14 (PROJECTS)", "cost", "project 1")


def test_non_numeric_budget(tmp_path):
    _refused(META.replace("budget;100", "budget;lots") + PROJECTS + VOTES, tmp_path,
             "META", "budget 'lots' is not a positive number")


def test_missing_vote_type(tmp_path):
    _refused(META.replace("vote_type;approval\n", "") + PROJECTS + VOTES, tmp_path,
             "META", "no vote_type")


def test_a_vote_type_not_counted_here(tmp_path):
    _refused(META.replace("vote_type;approval", "vote_type;cumulative") + PROJECTS + VOTES,
             tmp_path, "vote_type cumulative is not counted here yet")


def test_a_voter_twice(tmp_path):
    _refused(META + PROJECTS + VOTES.replace("v3;1", "v1;1"), tmp_path,
             "line 21 (VOTES)", "voter v1 votes twice")


def test_a_project_twice_in_one_vote(tmp_path):
    _refused(META + PROJECTS + VOTES.replace("v3;1", "v3;1,1"), tmp_path,
             "line 21 (VOTES)", "names a project twice")


def test_a_project_listed_twice(tmp_path):
    _refused(META + PROJECTS.replace("3;40;Trees", "1;40;Trees") + VOTES, tmp_path,
             "line 16 (PROJECTS)", "project 1 is listed twice")


def test_a_row_with_too_many_fields(tmp_path):
    _refused(META + PROJECTS.replace("2;50;Bins", "2;50;Bins;extra") + VOTES, tmp_path,
             "line 15 (PROJECTS)", "4 field(s) but the header has 3")


def test_projects_header_without_cost(tmp_path):
    _refused(META + PROJECTS.replace("project_id;cost;name", "project_id;price;name") + VOTES,
             tmp_path, "line 13 (PROJECTS)", "must start with project_id and include cost")


def test_declared_number_of_votes_that_does_not_match(tmp_path):
    _refused(META.replace("num_votes;3", "num_votes;4") + PROJECTS + VOTES, tmp_path,
             "num_votes is '4' but the file has 3 VOTES rows")


def test_not_utf8(tmp_path):
    path = tmp_path / "x.pb"
    path.write_bytes((META + PROJECTS).encode("utf-8") + b"4;10;Caf\xe9\n" + VOTES.encode())
    with pytest.raises(PabulibError, match=r"x\.pb line 17: not UTF-8"):
        read_pabulib(path)


@pytest.mark.parametrize("text", ["", "\n\n", "\x00\x01garbage", "PROJECTS\n", "META\n"])
def test_empty_or_garbage(tmp_path, text):
    with pytest.raises(PabulibError):
        _read(text, tmp_path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(PabulibError, match="no such file"):
        read_pabulib(tmp_path / "nope.pb")
    with pytest.raises(PabulibError, match="is a folder"):
        read_pabulib(tmp_path)


def test_hostile_text_in_names_is_kept_as_text(tmp_path):
    hostile = '<script>alert(1)</script> "quoted" \u202e'
    election = _read(META + PROJECTS.replace("Bench", hostile) + VOTES, tmp_path)
    assert election.project("1").name == hostile


def test_unknown_rule_and_completion():
    election = parse_pabulib_text(META + PROJECTS + VOTES)
    with pytest.raises(ValueError, match="unknown rule 'borda'"):
        count(election, "borda")
    with pytest.raises(ValueError, match="unknown completion 'more'"):
        count(election, "equal-shares", completion="more")


def test_a_project_called_like_a_section_is_refused(tmp_path):
    # pabutools' parser would start a new section there and read a different election
    _refused(META + PROJECTS.replace("3;40;Trees", "votes;40;Trees") + VOTES, tmp_path,
             "line 16", "may not start with 'votes'")


def test_spaces_inside_a_vote_are_refused(tmp_path):
    _refused(META + PROJECTS + VOTES.replace("v1;1,3", "v1;1, 3"), tmp_path,
             "line 19 (VOTES)", "spaces around a project id")
