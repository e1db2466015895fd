"""Budget tables: an activity's budget lines pivoted to one row per category and year columns."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from actionplans.models import BudgetLine


@dataclass
class BudgetRow:
    label: str
    amounts: list[Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.amounts, Decimal(0))


@dataclass
class BudgetTable:
    years: list[int]
    costs: list[BudgetRow] = field(default_factory=list)
    financing: list[BudgetRow] = field(default_factory=list)

    def _sum(self, rows: list[BudgetRow]) -> BudgetRow:
        sums = [sum((row.amounts[i] for row in rows), Decimal(0)) for i in range(len(self.years))]
        return BudgetRow(label="", amounts=sums)

    @property
    def cost_total(self) -> BudgetRow:
        return self._sum(self.costs)

    @property
    def financing_total(self) -> BudgetRow:
        return self._sum(self.financing)


def budget_table(lines: Iterable[BudgetLine]) -> BudgetTable | None:
    """Pivot budget lines (already in display order); None when there are none."""
    lines = list(lines)
    if not lines:
        return None
    years = sorted({line.year for line in lines})
    table = BudgetTable(years=years)
    rows: dict[tuple[str, str], BudgetRow] = {}
    for line in lines:
        key = (line.kind, line.label)
        if key not in rows:
            rows[key] = BudgetRow(label=line.label, amounts=[Decimal(0)] * len(years))
            target = table.costs if line.kind == BudgetLine.Kind.COST else table.financing
            target.append(rows[key])
        rows[key].amounts[years.index(line.year)] += line.amount
    return table
