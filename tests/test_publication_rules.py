"""Which versions a site publishes, on figures given by hand: fast enough to run against every
change of the rule (``docs/testing.md``, mutation testing). What a publisher reads: a version
published, or a preview and the reason the report gives. ``test_publication.py`` and
``test_build.py`` hold the same rule end to end, on built sites."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.build import publication
from pipeline.config import Config
from pipeline.locales import parse_locale
from pipeline.model import Article, Catalog, Message, Preview, Stats, Unit, Version

EN, ES, EN_PLAIN, ES_PLAIN = (parse_locale(n) for n in ("en", "es", "en@plain", "es@plain"))
ARTICLE = Article(
    "sleep", Path("source/sleep.md"), "Rest.\n\nDrink water.\n",
    (Unit("Rest.", "paragraph", 1), Unit("Drink water.", "paragraph", 3)),
)  # fmt: skip
PREVIEW = ": a preview for translators, not listed and not indexed"


def _config(**settings: object) -> Config:
    return Config(Path("."), EN, (ES, EN_PLAIN, ES_PLAIN), **settings)  # type: ignore[arg-type]


def _figures(article: tuple[int, int], interface: tuple[int, int] = (5, 0),
             glossary: tuple[int, int] = (2, 0)) -> Stats:  # fmt: skip
    """(translated, untranslated) of the article's texts, its interface and its glossary entries."""
    return Stats.of_parts(
        ("article", Stats(article[0], 0, article[1])),
        ("interface", Stats(interface[0], 0, interface[1])),
        ("glossary", Stats(glossary[0], 0, glossary[1])),
    )


def _plan(config: Config, es: Stats, written: bool = True, gap: str = "", kept: str = "") -> publication.Plan:  # fmt: skip
    figures = {("sleep", loc.name): _figures((2, 0)) for loc in config.all_locales}
    figures[("sleep", "es")] = es
    spanish = (ARTICLE.slug, "es")
    return publication.plan_versions(
        config, (ARTICLE,), figures,
        lambda a, loc: written if loc.is_plain and a.slug == "sleep" else not written,
        lambda a, loc: gap if (a.slug, loc.name) == spanish else "",
        lambda a, loc: kept if (a.slug, loc.name) == spanish else "",
    )  # fmt: skip


def _spanish(plan: publication.Plan) -> tuple[list[Version], list[Preview]]:
    return (
        [v for v, loc in plan.versions["sleep"] if loc.name == "es"],
        [p for p in plan.previews if p.locale == "es"],
    )


def test_a_complete_version_is_published_and_the_source_always_is() -> None:
    plan = _plan(_config(), _figures((2, 0)))
    assert [v for v, _ in plan.versions["sleep"]] == [
        Version("sleep", "en", "en/sleep.html"),
        Version("sleep", "es", "es/sleep.html"),
        Version("sleep", "en@plain", "en/plain/sleep.html"),
        Version("sleep", "es@plain", "es/plain/sleep.html"),
    ]
    assert plan.previews == () and plan.shares[("sleep", "es")] == (100.0, 100.0)


@pytest.mark.parametrize(
    ("threshold", "published"), [(80.0, False), (66.6, True), (66.7, False), (50.0, True)]
)
def test_a_version_below_its_threshold_is_a_preview_that_says_why(
    threshold: float, published: bool
) -> None:
    """2 of 3 texts: 66.66… %, shown rounded down (66.6 %), published from a threshold of 66.6."""
    config = _config(publish_threshold=90.0, publish_thresholds={"es": threshold})
    plan = _plan(config, _figures((2, 1)))
    versions, previews = _spanish(plan)
    assert plan.shares[("sleep", "es")] == (200 / 3, threshold)
    if published:
        assert versions == [Version("sleep", "es", "es/sleep.html")] and previews == []
        return
    reason = f"66.6 % translated, below the publishing threshold of {threshold:g} %" + PREVIEW
    assert versions == [Version("sleep", "es", "es/sleep.html", preview=reason)]
    assert previews == [Preview("sleep", "es", "es/sleep.html", 200 / 3, threshold, reason)]


def test_an_untranslated_interface_keeps_a_complete_article_a_preview() -> None:
    config = _config(publish_threshold=90.0)
    [version], _ = _spanish(_plan(config, _figures((2, 0), interface=(5, 1))))
    assert version.preview == (
        "1 of its 6 interface texts (ui.po) not translated yet, so the page's navigation and "
        "disclaimer would show in the source language" + PREVIEW
    )
    [version], _ = _spanish(_plan(_config(publish_threshold=80.0), _figures((2, 0), (5, 1))))
    assert version.preview == ""  # 5 of 6 interface texts: 83 %, over a threshold of 80


def test_the_page_as_a_whole_counts_its_glossary_entries_too() -> None:
    figures = _figures((9, 1), interface=(5, 0), glossary=(0, 4))  # 14 of 19 shown: 73.6 %
    [version], _ = _spanish(_plan(_config(publish_threshold=80.0), figures))
    assert version.preview == (
        "73.6 % of what the page shows is translated (its glossary entries count too), below "
        "the publishing threshold of 80 %" + PREVIEW
    )
    [version], _ = _spanish(_plan(_config(publish_threshold=70.0), figures))
    assert version.preview == ""


def test_a_site_that_requires_review_previews_an_unreviewed_translation() -> None:
    reason = "not reviewed, and this site publishes only reviewed translations" + PREVIEW
    [version], _ = _spanish(_plan(_config(require_review=True), _figures((2, 0)), gap="not reviewed"))  # fmt: skip
    assert version.preview == reason
    [version], _ = _spanish(_plan(_config(), _figures((2, 0)), gap="not reviewed"))
    assert version.preview == ""


def test_a_changed_source_s_translation_may_be_kept_published() -> None:
    versions, previews = _spanish(_plan(_config(), _figures((1, 1)), kept="2026-12-01"))
    assert versions == [Version("sleep", "es", "es/sleep.html", kept="2026-12-01")]
    assert previews == []


def test_a_plain_version_nobody_wrote_has_no_page() -> None:
    plan = _plan(_config(), _figures((2, 0)), written=False)
    assert [loc.name for _, loc in plan.versions["sleep"]] == ["en", "es"]
    reason = (
        "no plain-language text written yet (every entry is empty or the standard text): no page"
    )
    assert [p for p in plan.previews if p.locale == "en@plain"] == [
        Preview("sleep", "en@plain", None, 100.0, 100.0, reason)
    ]


def _catalog(locale: str, texts: dict[str, str]) -> Catalog:
    return Catalog("sleep", locale, Path(f"{locale}.po"), {m: Message(m, t, False, 1) for m, t in texts.items()})  # fmt: skip


@pytest.mark.parametrize(
    ("locale", "plain", "written"),
    [
        ("en@plain", {}, False),
        ("en@plain", {"Rest.": "Rest.", "Drink water.": "Drink water."}, False),  # msginit's copy
        ("en@plain", {"Rest.": "Rest.", "Drink water.": "Drink some water."}, True),
        ("es@plain", {"Rest.": "Descanse.", "Drink water.": "Beba agua."}, False),  # as es
        ("es@plain", {"Rest.": "Descanse.", "Drink water.": "Tome agua."}, True),
    ],
)
def test_a_plain_version_exists_once_one_text_differs_from_its_standard_text(
    locale: str, plain: dict[str, str], written: bool
) -> None:
    catalogs = {
        ("es", "sleep"): _catalog("es", {"Rest.": "Descanse.", "Drink water.": "Beba agua."}),
        # an English PO left beside the source: a plain English version rewrites the source itself
        ("en", "sleep"): _catalog("en", {"Rest.": "Rest.", "Drink water.": "Drink some water."}),
        (locale, "sleep"): _catalog(locale, plain),
    }
    assert publication.written_in(_config(), catalogs, ARTICLE, parse_locale(locale)) is written


def test_a_plain_version_without_a_catalogue_is_not_written() -> None:
    assert publication.written_in(_config(), {}, ARTICLE, EN_PLAIN) is False


def test_every_reason_a_version_is_a_preview_is_given() -> None:
    config = _config(publish_threshold=90.0)
    [version], _ = _spanish(_plan(config, _figures((1, 1), interface=(5, 1))))
    assert version.preview == (
        "50 % translated, below the publishing threshold of 90 %; 1 of its 6 interface texts "
        "(ui.po) not translated yet, so the page's navigation and disclaimer would show in the "
        "source language" + PREVIEW
    )


def test_shares_at_exactly_the_threshold_are_enough() -> None:
    """The article at 90 % of a 90 % threshold: the page as a whole is what keeps it back; an
    interface at 80 % of an 80 % threshold keeps nothing back."""
    figures = _figures((9, 1), interface=(5, 0), glossary=(0, 4))
    [version], _ = _spanish(_plan(_config(publish_threshold=90.0), figures))
    assert version.preview.startswith("73.6 % of what the page shows is translated")
    [version], _ = _spanish(_plan(_config(publish_threshold=80.0), _figures((2, 0), (4, 1))))
    assert version.preview == ""


def test_a_version_that_counts_no_interface_is_judged_by_its_article() -> None:
    figures = Stats.of_parts(("article", Stats(2, 0, 0)))
    assert _spanish(_plan(_config(), figures))[0] == [Version("sleep", "es", "es/sleep.html")]


def test_a_complete_version_is_published_afresh_not_kept() -> None:
    versions, _ = _spanish(_plan(_config(), _figures((2, 0)), kept="2026-12-01"))
    assert versions == [Version("sleep", "es", "es/sleep.html")]
