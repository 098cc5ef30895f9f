"""Every figure of the course says in words what it shows, and never by colour alone.

Checked on the committed outputs of every solution notebook (a test elsewhere keeps them
current): each image is shown by nnlib.plot.show, so it carries a text alternative (its
``alt``, in the image's metadata and in the HTML that JupyterLab renders), no two figures of
a notebook share one, and no legend tells its entries apart by colour alone
(plot.colour_only, recorded by show). The browser side is in tests/test_accessibility.py.
"""
from __future__ import annotations

import html
import re

import nbformat
import pytest

from nnlib.course import assignments, solution
from nnlib.plot import MIN_ALT_WORDS

ALT = re.compile(r'<img [^>]*alt="([^"]*)"')


def _figures(assignment: str) -> list[tuple[int, dict]]:
    nb = nbformat.read(str(solution(assignment)), as_version=4)
    found = []
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if any(key.startswith("image/") for key in data) or "<img" in str(
                    data.get("text/html", "")):
                found.append((index, out))
    return found


@pytest.mark.parametrize("assignment", assignments())
def test_every_figure_says_what_it_shows(assignment):
    figures = _figures(assignment)
    problems, alts = [], {}
    for index, out in figures:
        alt = out.get("metadata", {}).get("image/png", {}).get("alt")
        if not isinstance(alt, str):
            problems.append(f"cell {index}: an image without a text alternative (show it with "
                            "plot.show(alt), not plt.show())")
            continue
        if len(alt.split()) < MIN_ALT_WORDS:
            problems.append(f"cell {index}: alt text too short: {alt!r}")
        rendered = ALT.findall(str(out["data"].get("text/html", "")))
        if [html.unescape(a) for a in rendered] != [alt]:
            problems.append(f"cell {index}: the HTML JupyterLab renders does not carry the alt "
                            f"text ({rendered})")
        if alt in alts:
            problems.append(f"cells {alts[alt]} and {index} share the alt text {alt!r}")
        alts.setdefault(alt, index)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("assignment", assignments())
def test_no_legend_tells_its_entries_apart_by_colour_alone(assignment):
    mixed = {index: out["metadata"]["nnlib_colour_only"] for index, out in _figures(assignment)
             if out.get("metadata", {}).get("nnlib_colour_only")}
    assert not mixed, (f"legend entries told apart only by colour (give each a line style, "
                       f"marker or label): {mixed}")


def test_the_course_has_figures():
    assert sum(len(_figures(a)) for a in assignments()) >= 50
