"""Property: whatever the article, translating every unit by itself gives the source page's body,
and a markup-keeping pseudo-translation gives the same element structure and the same links."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.locales import parse_locale
from pipeline.model import Article, Catalog, Glossary, Message
from pipeline.render.page import LocaleCatalogs, render_body
from pipeline.render.ui import UiText, extract_ui_units
from pipeline.source.segment import make_markdown
from tests.pages import parse, structure
from tests.test_build import pseudo

EN, ES, PLAIN = parse_locale("en"), parse_locale("es"), parse_locale("en@plain")
letters = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyzéüñçعربي")
    + ["ketamine", "pain", "NMDA", "42%", "0,1", "’s", "«x»"]
)
word = st.lists(letters, min_size=1, max_size=6).map("".join)
plain = st.lists(word, min_size=1, max_size=8).map(" ".join)
inline = st.one_of(
    plain,
    plain.map(lambda t: f"**{t}**"),
    plain.map(lambda t: f"*{t}*"),
    plain.map(lambda t: f"`{t}`"),
    st.tuples(
        plain,
        st.sampled_from(["https://example.org/a", "https://www.nhs.uk/", "#top", "page.html"]),
    ).map(lambda p: f"[{p[0]}]({p[1]})"),
    st.tuples(plain, plain).map(lambda p: f'![{p[0]}](img.png "{p[1]}")'),
)
sentence = st.lists(inline, min_size=1, max_size=5).map(" ".join)
heading = st.tuples(st.integers(1, 4), plain).map(lambda p: "#" * p[0] + " " + p[1])
bullets = st.lists(sentence, min_size=1, max_size=4).map(
    lambda items: "\n".join(f"- {i}" for i in items)
)
nested = st.tuples(sentence, st.lists(sentence, min_size=1, max_size=3)).map(
    lambda p: f"- {p[0]}\n" + "\n".join(f"    - {i}" for i in p[1])
)
table = st.lists(st.tuples(plain, plain), min_size=2, max_size=4).map(
    lambda rows: (
        "| "
        + " | ".join(rows[0])
        + " |\n|---|---|\n"
        + "\n".join(f"| {a} | {b} |" for a, b in rows[1:])
    )
)
quote = sentence.map(lambda s: f"> {s}")
definition = st.tuples(plain, sentence).map(lambda p: f"{p[0]}\n:   {p[1]}")
block = st.one_of(sentence, heading, bullets, nested, table, quote, definition)
document = st.lists(block, min_size=1, max_size=8).map(
    lambda blocks: "Title: " + "A title\n\n" + "\n\n".join(blocks) + "\n"
)


def units_of(text: str) -> list[str]:
    found: list[str] = []
    make_markdown(lambda t, k: found.append(t) or t).convert(text)
    return found


UI = extract_ui_units()


def body(text: str, translate, locale=ES) -> str:
    article = Article("a", path=None, text=text, units=())  # type: ignore[arg-type]
    messages = {m: Message(m, translate(m), False, 1) for m in units_of(text)}
    catalogs = LocaleCatalogs(locale, Catalog("a", locale.name, None, messages), None, None)  # type: ignore[arg-type]
    # the page's own words translated too (as themselves): a fallback there is marked, which is
    # the interface's business, not the units' this property is about
    ui = Catalog(
        "ui", locale.name, None, {u.msgid: Message(u.msgid, u.msgid, False, 1) for u in UI}
    )  # type: ignore[arg-type]
    return render_body(article, catalogs, EN, Glossary(None, ()), UiText(ui, "en", locale.tag)).html  # type: ignore[arg-type]


def source_body(text: str) -> str:
    article = Article("a", path=None, text=text, units=())  # type: ignore[arg-type]
    catalogs = LocaleCatalogs(EN, None, None, None)
    return render_body(article, catalogs, EN, Glossary(None, ()), UiText(None, "en", "en")).html  # type: ignore[arg-type]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document)
def test_identity_translation_round_trips(text: str) -> None:
    """Same language (en@plain): nothing is marked as foreign, so the body is the source's, byte for byte."""
    assert body(text, lambda m: m, PLAIN) == source_body(text)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document)
def test_pseudo_translation_keeps_structure_and_links(text: str) -> None:
    source, translated = source_body(text), body(text, pseudo)
    assert structure(translated) == structure(source)

    def hrefs(html: str) -> list[tuple[str, str | None, str | None]]:
        return [
            (e.tag, e.attrs.get("href"), e.attrs.get("src"))
            for e in parse(html).iter()
            if e.tag in ("a", "img")
        ]

    assert hrefs(translated) == hrefs(source)
