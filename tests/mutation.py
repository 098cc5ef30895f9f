"""Mutants as edits of the solution cell they belong to.

A catalog (``tests/mutants/nbNN.py``) maps each autograded solution cell's grade_id to
wrong and right answers, each an edit of that cell's source as it stands in
``solutions/``::

    from mutation import edit, rewrite

    NOTEBOOK = "01_gradient_descent"
    MUTANTS = {
        "least_squares_loss": {
            "wrong": {
                # label: (edit, text the failure message must contain, or None)
                "mean instead of sum": (edit("np.sum(", "np.mean("), "mean of the squared"),
                "two edits at once": (edit("a", "b") & edit("c", "d"), "..."),
            },
            "right": {
                "python loop": rewrite('''
    def least_squares_loss(phi, x, y):
        ...
    '''),
            },
        },
    }

``edit(old, new)`` replaces ``old`` by ``new``; ``old`` must occur exactly once in the cell
(``count=`` for more), so when a solution changes, a mutant whose anchor is gone fails the
suite with its name instead of silently becoming the correct answer. ``rewrite(code)``
replaces the whole cell, for a mistake that no small edit expresses; its anchor is every
``def``/``class`` line of ``code``: each must still appear in the solution cell.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass


class StaleMutant(LookupError):
    """A mutant's anchor text is no longer in the solution cell it edits."""


@dataclass(frozen=True)
class Edit:
    pairs: tuple[tuple[str, str, int], ...]

    def __and__(self, other: "Edit") -> "Edit":
        return Edit(self.pairs + other.pairs)

    def apply(self, source: str, name: str) -> str:
        for old, new, count in self.pairs:
            found = source.count(old)
            if found != count:
                raise StaleMutant(f"{name}: the anchor {old!r} occurs {found} time(s) in the "
                                  f"solution cell, expected {count}: the solution changed, "
                                  "update this mutant")
            source = source.replace(old, new)
        return source


@dataclass(frozen=True)
class Rewrite:
    code: str

    def apply(self, source: str, name: str) -> str:
        for line in _definition_lines(self.code):
            if line not in source:
                raise StaleMutant(f"{name}: the solution cell no longer has the line {line!r} "
                                  "that this rewrite replaces: update this mutant")
        return self.code


def edit(old: str, new: str, count: int = 1) -> Edit:
    """Replace ``old`` (which must occur exactly ``count`` times) by ``new``."""
    if not old:
        raise ValueError("edit(): the text to replace must not be empty")
    return Edit(((old, new, count),))


def rewrite(code: str) -> Rewrite:
    """Replace the whole solution cell by ``code`` (anchored on its def/class lines)."""
    if not _definition_lines(code):
        raise ValueError("rewrite(): the code defines no function or class to anchor on")
    return Rewrite(code)


def _definition_lines(code: str) -> list[str]:
    tree = ast.parse(code)
    lines = code.splitlines()
    return [lines[node.lineno - 1].strip() for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.ClassDef))]


def mutate(entry, source: str, name: str) -> str:
    """The code of one catalog entry (an Edit or a Rewrite) applied to ``source``."""
    if isinstance(entry, (Edit, Rewrite)):
        return entry.apply(source, name)
    raise TypeError(f"{name}: a mutant is edit(...) or rewrite(...), not {type(entry).__name__}")
