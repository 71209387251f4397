"""Participatory budgeting from the command line: ``rescomm engage count FILE.pb``.

Thin wrapper over :mod:`rescomm.engage`; pabutools is imported only inside the command, so
``rescomm --help`` stays light.
"""

from __future__ import annotations

import json
import sys
from fractions import Fraction

import click

from ._errors import EXIT_USER_ERROR

RULES = ("greedy", "equal-shares")
COMPLETIONS = ("add1", "add1-greedy", "none")


@click.group()
def engage() -> None:
    """Participatory budgeting: count elections in the pabulib .pb format."""


def _number(value: Fraction) -> int | float:
    return value.numerator if value.denominator == 1 else float(value)


def _money(value: Fraction) -> str:
    if value.denominator == 1:
        return f"{value.numerator:,}"
    return f"{float(value):,.2f}"


@engage.command("count")
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@click.option("--rule", type=click.Choice(RULES), required=True,
              help="greedy: most votes first, skipping projects that no longer fit. "
                   "equal-shares: the Method of Equal Shares with cost utilities.")
@click.option("--completion", type=click.Choice(COMPLETIONS), default="add1", show_default=True,
              help="How equal-shares spends what it leaves: add1 raises every voter's share by "
                   "1 unit of money at a time while the outcome fits the budget; add1-greedy "
                   "then fills the rest by votes; none keeps the rule's own outcome. Ignored "
                   "for greedy.")
@click.option("--json", "as_json", is_flag=True,
              help="Print a JSON object; its 'selected' lists the project ids as in the file, "
                   "in the file's order.")
def count_command(file: str, rule: str, completion: str, as_json: bool) -> None:
    """Count a participatory-budgeting election in pabulib .pb format (approval, knapsack or
    choose-1 ballots) and print the selected projects with their cost and votes, in the
    file's order, and the totals. A malformed file is refused with one line saying where
    (exit status 2). Example:

    \b
        rescomm engage count poland_warszawa_2019_nadwisle.pb --rule equal-shares
    """
    from rescomm.engage import PabulibError, count, read_pabulib

    try:
        election = read_pabulib(file)
    except PabulibError as exc:
        click.echo(f"rescomm: error: {exc}", err=True)
        sys.exit(EXIT_USER_ERROR)
    result = count(election, rule, completion=completion)
    if as_json:
        click.echo(json.dumps({
            "file": file,
            "rule": result.rule,
            "completion": result.completion,
            "budget": _number(result.budget),
            "voters": result.voters,
            "selected": [p.project_id for p in result.selected],
            "selection_order": result.selection_order,
            "projects": [{"project_id": p.project_id, "name": p.name,
                          "cost": _number(p.cost), "votes": p.votes}
                         for p in result.selected],
            "total_cost": _number(result.total_cost),
            "budget_left": _number(result.budget_left),
        }, ensure_ascii=False, indent=2))
        return
    how = rule if result.completion is None else f"{rule}, completion {result.completion}"
    click.echo(f"{file}: {len(result.selected)} of {len(election.projects)} projects selected "
               f"by {how}; {result.voters:,} voters")
    id_width = max([len("id"), *(len(p.project_id) for p in result.selected)])
    cost_width = max([len("cost"), *(len(_money(p.cost)) for p in result.selected)])
    click.echo(f"{'id':<{id_width}}  {'cost':>{cost_width}}  {'votes':>7}  name")
    for p in result.selected:
        click.echo(f"{p.project_id:<{id_width}}  {_money(p.cost):>{cost_width}}  "
                   f"{p.votes:>7,}  {p.name or ''}")
    click.echo(f"total cost {_money(result.total_cost)} of budget {_money(result.budget)} "
               f"({_money(result.budget_left)} left)")
