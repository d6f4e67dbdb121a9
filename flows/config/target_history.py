"""只能加压不能打折: a target may be raised during the year, never lowered, and the county's own target
(自我加压) is never below the one assigned from above (上级下达).

A target's history is the number set at the start of the year and its later raises, per side (assigned,
own). "Raised" follows the indicator's direction: for a lower-is-better indicator (亏损面 as a ceiling) a
raise is a lower number. Problems name the side and the raise and give both numbers; flows/config/
targets.py prefixes them with the file, the entry and the indicator.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict


class TargetRevision(BaseModel):
    """One number in a target's history: seq 0 is the one set at the start of the year, then each raise."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: str                    # assigned (上级下达) / own (自我加压)
    seq: int
    target: float
    set_on: date | None = None
    set_by: str | None = None    # who assigned (assigned) or set (own) it
    note: str | None = None

    def row(self) -> tuple:
        return (self.kind, self.seq, self.target, self.set_on, self.set_by, self.note)


def _number(side) -> float:
    return side.growth if side.growth is not None else side.level


def _shown(value: float, side) -> str:
    return f"{value:g}%" if side.growth is not None else f"{value:g}{side.unit}"


def revisions_of(sides: dict) -> tuple[TargetRevision, ...]:
    """Every side's history as revisions (the side's own `by` on each of its rows)."""
    out = []
    for kind, side in sides.items():
        out.append(TargetRevision(kind=kind, seq=0, target=_number(side), set_on=side.set_on, set_by=side.by))
        out += [TargetRevision(kind=kind, seq=n + 1, target=_number(step), set_on=step.set_on, set_by=side.by,
                               note=step.note) for n, step in enumerate(side.raises)]
    return tuple(out)


def history_problems(indicator, sides: dict) -> list[str]:
    """Each lowering raise, each raise out of date order, and every moment the own target stands below the
    assigned one; one line each, starting with the side (own.raises[0]: ...)."""
    sign = -1.0 if indicator.direction == "lower" else 1.0
    below = "above" if sign < 0 else "below"
    problems = []
    for kind, side in sides.items():
        steps = [(side.set_on, _number(side), kind)] + [(s.set_on, _number(s), f"{kind}.raises[{n}]")
                                                    for n, s in enumerate(side.raises)]
        for (before_on, before, _), (on, value, where) in zip(steps, steps[1:], strict=False):
            if before_on is not None and on <= before_on:
                problems.append(f"{where}: on {on} is not after the change before it ({before_on}); "
                                f"list raises in date order, each after the one before")
            if (value - before) * sign < 0:
                problems.append(
                    f"{where}: {_shown(value, side)} on {on} lowers the {kind} target from {_shown(before, side)} "
                    f"(只能加压不能打折): a target may be raised, never lowered; keep {_shown(before, side)} or raise it")
    if len(sides) == 2:
        assigned, own = sides["assigned"], sides["own"]
        if (assigned.growth is None) != (own.growth is None):
            return [*problems, "own: give the own and the assigned target in the same form (both growth or both "
                               "level)"]
        problems += _own_below_assigned(assigned, own, sign, below)
    return problems


def _own_below_assigned(assigned, own, sign: float, below: str) -> list[str]:
    """Walk both histories in date order (a number without a date counts from the start of the year)."""
    def timeline(side) -> list[tuple[date, float]]:
        return [(side.set_on or date.min, _number(side))] + [(s.set_on, _number(s)) for s in side.raises]

    assigned_steps, own_steps = timeline(assigned), timeline(own)
    problems = []
    for day in sorted({d for d, _ in assigned_steps + own_steps}):
        a = [v for d, v in assigned_steps if d <= day]
        o = [v for d, v in own_steps if d <= day]
        if not a or not o:
            continue
        if (o[-1] - a[-1]) * sign < 0:
            when = "" if day == date.min else f" (from {day})"
            problems.append(
                f"own: the own target {_shown(o[-1], own)} is {below} the assigned {_shown(a[-1], assigned)}{when} "
                f"(只能加压不能打折): set the own target at least as demanding as the assigned one")
            break  # the first moment says it; later ones repeat it
    return problems
