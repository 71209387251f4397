"""Count a participatory-budgeting election by greedy selection or the Method of Equal Shares.

Both rules are pabutools' (decision 48), run with cost satisfaction (``Cost_Sat``: a voter's
satisfaction with a project they approve is its cost), which is what the pabulib semantics of
approval ballots and the two rules as cities run them need:

* ``greedy``: ``greedy_utilitarian_welfare`` with ``Cost_Sat`` picks projects in decreasing
  order of total satisfaction per unit of cost, which with cost satisfaction is the number of
  votes: most votes first, skipping any project that no longer fits in what is left of the
  budget (the rule most Polish cities use, ``rule;greedy`` in their pabulib files).
* ``equal-shares``: ``method_of_equal_shares`` with ``Cost_Sat`` ("cost utilities"; Peters and
  Skowron 2020, Peters, Pierczyński and Skowron 2021; https://equalshares.net). The budget is
  split equally among the voters; a project is bought by its supporters, the one whose cost
  can be shared most equally first. Equal Shares usually leaves money unspent, hence the
  completion: ``add1`` (default) reruns it with every voter's share raised by 1 unit of money
  at a time while the outcome still fits the real budget, and keeps the last that fitted
  (pabutools' ``voter_budget_increment=1``, the method equalshares.net recommends);
  ``add1-greedy`` then fills what is still left greedily by votes; ``none`` returns the
  rule's own outcome.

Ties are broken by pabutools' lexicographic rule (by project id as text).

Speed: pabutools' greedy sums every voter's satisfaction object for every project (200 projects x
100,000 voters is 20 million calls, minutes). With cost satisfaction the total satisfaction of a
project is exactly its number of votes times its cost, so greedy is handed that total
(:class:`_CostSatTotals`, in pabutools' own number type) instead; its selection loop is
unchanged. Equal Shares asks each voter's satisfaction object about each project; pabutools'
``Cost_Sat`` answers through several layers of calls, so Equal Shares is given
:func:`_approval_cost_sat`, a ``SatisfactionMeasure`` with the same values (cost if the voter
approved the project, else 0) answered directly: 3-4 times faster. The tests check both outcomes
against pabutools run with ``Cost_Sat`` itself on real elections.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cache

from ._pabulib import Election, PabulibError

RULES = ("greedy", "equal-shares")
COMPLETIONS = ("add1", "add1-greedy", "none")


@dataclass(frozen=True)
class Funded:
    """One selected project."""

    project_id: str
    name: str | None
    cost: Fraction
    votes: int


@dataclass(frozen=True)
class CountResult:
    """The outcome of a count, as plain data."""

    rule: str
    #: ``None`` for greedy, else one of :data:`COMPLETIONS`.
    completion: str | None
    budget: Fraction
    voters: int
    #: Selected projects in the order of the file's PROJECTS section.
    selected: list[Funded]
    #: The selected project ids in the order the rule chose them.
    selection_order: list[str]

    @property
    def total_cost(self) -> Fraction:
        return sum((p.cost for p in self.selected), Fraction(0))

    @property
    def budget_left(self) -> Fraction:
        return self.budget - self.total_cost


def count(election: Election, rule: str, *, completion: str = "add1") -> CountResult:
    """Count ``election`` by ``rule`` (``greedy`` or ``equal-shares``).

    ``completion`` applies to ``equal-shares`` only (see the module docstring).

    Raises
    ------
    ValueError
        An unknown rule or completion.
    """
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}: use one of {', '.join(RULES)}")
    if rule == "equal-shares" and completion not in COMPLETIONS:
        raise ValueError(f"unknown completion {completion!r}: use one of "
                         f"{', '.join(COMPLETIONS)}")
    if election._instance is None:
        raise PabulibError(f"{election.source}: the election was not read by read_pabulib")
    from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

    instance, profile = election._instance, election._profile
    if rule == "greedy":
        outcome = greedy_utilitarian_welfare(instance, profile,
                                             sat_profile=_cost_sat_totals(election),
                                             is_sat_additive=True)
        used_completion = None
    else:
        increment = None if completion == "none" else 1
        outcome = method_of_equal_shares(instance, profile, sat_class=_approval_cost_sat(),
                                         voter_budget_increment=increment)
        if completion == "add1-greedy":
            outcome = greedy_utilitarian_welfare(instance, profile,
                                                 sat_profile=_cost_sat_totals(election),
                                                 is_sat_additive=True,
                                                 initial_budget_allocation=outcome)
        used_completion = completion
    order = [str(p.name) for p in outcome]
    chosen = set(order)
    selected = [Funded(p.project_id, p.name, p.cost, election.votes[p.project_id])
                for p in election.projects if p.project_id in chosen]
    return CountResult(rule=rule, completion=used_completion, budget=election.budget,
                       voters=election.voters, selected=selected, selection_order=order)


def _cost_sat_totals(election: Election):
    """pabutools' total ``Cost_Sat`` satisfaction of each project: votes x cost."""
    from pabutools.election.satisfaction.satisfactionmeasure import GroupSatisfactionMeasure

    class _CostSatTotals(GroupSatisfactionMeasure):
        """The group satisfaction greedy needs, from the vote counts: ``total_satisfaction_project``
        only (the resolute additive greedy uses nothing else)."""

        def __init__(self, totals):
            super().__init__()
            self._totals = totals

        def __iter__(self):
            raise TypeError("_CostSatTotals holds totals, not one measure per voter")

        def multiplicity(self, sat):
            raise TypeError("_CostSatTotals holds totals, not one measure per voter")

        def remove_satisfied(self, sat_bound, projects):
            raise TypeError("_CostSatTotals holds totals, not one measure per voter")

        def total_satisfaction_project(self, project):
            return self._totals[project]

    totals = {p: election.votes[str(p.name)] * p.cost for p in election._instance}
    return _CostSatTotals(totals)


@cache
def _approval_cost_sat():
    """pabutools' ``Cost_Sat`` for approval ballots, answered in one step (a class made on first
    use, so that pabutools is imported only when counting)."""
    from pabutools.election.satisfaction.satisfactionmeasure import SatisfactionMeasure

    class ApprovalCostSat(SatisfactionMeasure):
        """Satisfaction of an approval ballot: the total cost of the approved projects."""

        def sat(self, projects):
            ballot = self.ballot
            return sum(p.cost for p in projects if p in ballot)

        def sat_project(self, project):
            return project.cost if project in self.ballot else 0

    return ApprovalCostSat
