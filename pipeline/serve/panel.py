"""The preview's findings panel and reload script, added to a page as ``pipeline serve`` sends it.

Nothing here is ever written to ``output/``: a published page never has the panel.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape

from pipeline.model import ERROR, Finding

RELOAD_JS = """\
// pipeline serve: reload this page when the site has been rebuilt (only in the preview).
(function () {
  var seen = document.currentScript.dataset.generation;
  var events = new EventSource(document.currentScript.dataset.events);
  events.onmessage = function (event) {
    if (event.data !== seen) { location.reload(); }
  };
})();
"""


PREVIEW_CSS = """\
/* pipeline serve: the preview panel (never in published pages). */
.pipeline-preview { position: sticky; bottom: 0; max-height: 40vh; overflow: auto;
  margin: 0; padding: 0.5rem 1rem 1rem; background: var(--surface, #f3f5f7); color: var(--text, #1b1b1b);
  border-top: 4px double var(--border, #5c6670); font-size: 0.95rem; }
.pipeline-preview:focus { outline: 3px solid var(--focus, #0a4a8f); outline-offset: -3px; }
.pipeline-preview h2, .pipeline-preview h3 { margin: 0.5rem 0 0.25rem; font-size: 1.05rem; }
.pipeline-preview ul { margin: 0; padding-inline-start: 1.25rem; }
.pipeline-preview li { margin: 0.25rem 0; }
.pipeline-preview .severity { font-weight: bold; text-transform: uppercase; }
.pipeline-preview .failed { border-inline-start: 6px solid var(--border, #5c6670); padding-inline-start: 0.5rem; font-weight: bold; }
"""


def panel_html(page: str, snapshot: Snapshot) -> str:
    """The preview panel: a labelled landmark with real headings; severity in words, not colour."""
    own = snapshot.findings.get(page, ())
    language = snapshot.language_findings.get(page, ())
    parts = [
        '<aside class="pipeline-preview" aria-label="Preview: findings" lang="en" dir="ltr" tabindex="0">',
        f'<h2 id="pipeline-preview-title">Preview: {_count(own)} on this page</h2>',
    ]
    if snapshot.error:
        parts.append(
            Markup(
                '<p class="failed" role="alert">The last rebuild failed; this is the last good site. {}</p>'
            ).format(snapshot.error)
        )
    parts.append(
        "<p>This panel is shown only by <code>pipeline serve</code>; published pages do not have it.</p>"
    )
    parts += _finding_list(own, "No findings for this page.")
    if language:
        parts.append(f"<h3>For the whole language (glossary): {_count(language)}</h3>")
        parts += _finding_list(language, "")
    parts.append("</aside>")
    return "\n".join(parts)


def _count(findings: tuple[Finding, ...]) -> str:
    errors = sum(f.severity == ERROR for f in findings)
    warnings = len(findings) - errors
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def _finding_list(findings: tuple[Finding, ...], empty: str) -> list[str]:
    if not findings:
        return [f"<p>{empty}</p>"] if empty else []
    items = [
        Markup('<li><span class="severity">{}</span> <code>{}</code> [{}] {}{}</li>').format(
            f.severity,
            f"{f.file}:{f.line}" if f.line else f.file,
            f.check,
            f.message,
            Markup(" <em>(marked as deliberate: {})</em>").format(f.deliberate)
            if f.deliberate
            else "",
        )
        for f in findings
    ]
    return ["<ul>", *items, "</ul>"]


def inject(html: str, page: str, snapshot: Snapshot) -> str:
    """The served page: the panel's stylesheet and the reload script in <head>, the panel last in <body>.

    URLs are relative to the page, so a saved copy of the page (the accessibility tests) still
    finds the stylesheet beside the site.
    """
    up = "../" * page.count("/")
    head = (
        f'<link rel="stylesheet" href="{up}__pipeline__/preview.css">\n'
        f'<script src="{up}__pipeline__/reload.js" data-generation="{escape(snapshot.generation)}" data-events="{up}__pipeline__/events" defer></script>\n'
    )
    before, found, after = html.partition("</head>")
    html = before + head + found + after if found else html
    before, found, after = html.rpartition("</body>")
    return before + panel_html(page, snapshot) + "\n" + found + after if found else html


PREFIX = "/__pipeline__/"


@dataclass(frozen=True)
class Snapshot:
    """What the panels show: the last good build's findings per page, and the last error."""

    generation: str
    findings: dict[str, tuple[Finding, ...]] = field(
        default_factory=dict
    )  # page path -> its findings
    language_findings: dict[str, tuple[Finding, ...]] = field(
        default_factory=dict
    )  # page path -> glossary.po findings
    error: str | None = None  # the last rebuild's one-line error; None when it succeeded
