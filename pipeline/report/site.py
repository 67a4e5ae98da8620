"""The editors' site-wide report (``reports/index.html``, a page per language, ``reports/report.json``).

Two halves, each in its own module: ``parts`` makes one version's share (``Part``) where the
version is made, cached with it; ``assemble`` puts the frame around every version's part, in
build order (``SiteReport``). The build names both through this module.
"""

from __future__ import annotations

from pipeline.report.assemble import Cell, Language, SiteReport
from pipeline.report.parts import GROUPS, Part, Row, group_of, part, text_fragment, unit_anchors

__all__ = [
    "GROUPS", "Cell", "Language", "Part", "Row", "SiteReport", "group_of", "part", "text_fragment",
    "unit_anchors",
]  # fmt: skip
