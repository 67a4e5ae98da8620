"""What a build gathers before it writes anything: the plan, the versions' keys, the states.

MkDocs' ``build()`` first gathers all data, then writes; this is the first half of ours. Beside
the plan (``publication``) and each version's key (``versions``), it reads the last build's
record of what was published (``store.published``), keeps a changed source's published
translations where the policy says so (``keeping``), withholds an article that cannot be read
or whose images are missing (its versions are named, the other articles are published), and
lists every change of a version's state. After the swap, ``Gathered.remember`` writes the record
the next build compares against.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import partial

import babel

from pipeline import checks
from pipeline.build import counting, figures, keeping, publication, versions
from pipeline.build.publication import Plan
from pipeline.catalog import catalogs as catalog
from pipeline.catalog.store import CatalogStore
from pipeline.errors import PipelineError
from pipeline.model import GLOSSARY_DOMAIN, UI_DOMAIN, Article, Catalog, Stats
from pipeline.project import Catalogs, Project, catalog_store
from pipeline.render import engine
from pipeline.render.leaflet import LeafletSettings
from pipeline.render.media import Media, collect_media
from pipeline.render.site import SiteContext
from pipeline.source.dates import today
from pipeline.source.reader import parse_article
from pipeline.store import kinds, published
from pipeline.store.cache import Cache, code_version, digest, file_digest
from pipeline.store.published import KEPT, PUBLISHED, WITHHELD, Entry

Inputs = tuple[
    Article, Catalog | None, str
]  # a kept version's article and PO as published, their hash
Kept = dict[tuple[str, str], Inputs]  # version -> its inputs
States = dict[tuple[str, str], tuple[str, str]]  # version -> (state, why)


@dataclass(frozen=True)
class Gathered:
    """Everything a build knows before it writes a file."""

    project: Project
    store: CatalogStore
    figures: dict[tuple[str, str], Stats]
    plan: Plan
    media: Media
    context: versions.Context
    keys: dict[tuple[str, str], str]
    states: States
    changes: tuple[keeping.Change, ...]
    withheld: tuple[str, ...]  # one line per article not published because of its error
    record: published.Record | None

    @property
    def lines(self) -> tuple[str, ...]:
        """What the build says about publication, one line each (and the report, at its top)."""
        return (*self.withheld, *(change.line() for change in self.changes))

    def remember(self, locales: Iterable[str]) -> None:
        """Record every version's state of these locales (the others as the last build left them)
        and the inputs of each published one."""
        names = set(locales)
        before = self.record.versions if self.record else {}
        entries = {item: e for item, e in before.items() if item[1] not in names}
        inputs: dict[str, Callable[[], bytes]] = {}
        for item, (state, _) in self.states.items():
            if item[1] in names:
                entries[item] = self._entry(item, state, before.get(item), inputs)
        published.save(self.project.config.root, entries, inputs, before)

    def _entry(
        self,
        item: tuple[str, str],
        state: str,
        old: Entry | None,
        inputs: dict[str, Callable[[], bytes]],
    ) -> Entry:
        """A version's entry; a published one's inputs are read only where the record lacks them
        (the article's text is hashed once, ``Article.digest``; a PO's hash is its stamps')."""
        if state == KEPT:
            assert old is not None, "only a version published before is kept"
            return replace(old, state=KEPT, since=self.plan_version(item).kept)
        if state == WITHHELD:  # its inputs stay: once repaired, a changed source may keep it
            return replace(old, state=WITHHELD) if old else Entry(WITHHELD)
        if state != PUBLISHED:
            return Entry(state)
        slug, locale = item
        article = self.context.articles[slug]
        inputs[article.digest] = partial(article.text.encode, "utf-8")
        po = ""
        path = self.store.path(locale, slug)
        if locale != self.project.config.source_locale.name and path is not None:
            po = self.store.digest(locale, slug)
            inputs[po] = path.read_bytes
        return Entry(PUBLISHED, article.digest, po)

    def plan_version(self, item: tuple[str, str]) -> publication.Version:
        return next(v for v, loc in self.plan.versions[item[0]] if loc.name == item[1])


def gather(project: Project, cache: Cache, jobs: int) -> Gathered:
    """The plan and the keys of every version, the states and their changes since the last build."""
    config = project.config
    project, withheld = _withhold_images(project)
    record = published.load(config.root)
    previous, kept = _kept_inputs(project, record, cache)
    store = catalog_store(project, cache)
    counted = figures.version_stats(
        project, store, cache, counting.ahead(project, store, cache, jobs)
    )
    plan = publication.plan(config, project.articles, store, counted, cache, previous)
    media = collect_media(config, project.articles)
    context = _context(project, store, plan, media, kept, cache)
    states = _states(project, plan, withheld)
    scope = [*states, *(item for item in previous if item not in states)]
    changes = keeping.changes(previous, states, scope)
    lines = tuple(withheld_line(project, slug, error) for slug, error in withheld)
    return Gathered(
        project,
        store,
        counted,
        plan,
        media,
        context,
        context.keys(),
        states,
        changes,
        lines,
        record,
    )


Withheld = tuple[tuple[str, PipelineError], ...]  # (article slug, why it is not published)


def _slug_of(error: PipelineError) -> str:
    """The article an unreadable source's error names (its file is ``source/<slug>.md``)."""
    return error.path.stem if error.path else "?"


def _withhold_images(project: Project) -> tuple[Project, Withheld]:
    """The project without the articles whose images are missing; every withheld article's error
    (those ``read_project`` could not read come with the project)."""
    failed: list[tuple[str, PipelineError]] = [(_slug_of(e), e) for e in project.withheld]
    good = []
    for article in project.articles:
        try:
            collect_media(project.config, (article,))
        except PipelineError as error:  # the error names the image: the article is this one
            failed.append((article.slug, error))
            continue
        good.append(article)
    return replace(project, articles=tuple(good)), tuple(failed)


def withheld_line(project: Project, slug: str, error: PipelineError) -> str:
    """One line naming an article's versions that are not published, and why."""
    config = project.config
    where = config.rel(error.path) if error.path else "?"
    names = ", ".join(loc.name for loc in config.all_locales)
    return f"withheld {slug} ({names}): {where}{f':{error.line}' if error.line else ''}: {error.message}"


def _kept_inputs(
    project: Project, record: published.Record | None, cache: Cache
) -> tuple[keeping.Previous, Kept]:
    """The last build's states, and the inputs of each live translation whose source changed
    since: its article's text and its PO as published. One whose inputs are lost or no longer
    readable cannot be rebuilt as it was, so it is not kept (its ``source`` is forgotten).
    A translation stays kept for weeks, and every build in between needs these inputs: they are
    parsed once and kept in the cache (``kinds.KEPT_INPUTS``), by the published texts they come from."""
    if record is None:
        return {}, {}
    articles = {a.slug: a for a in project.articles}
    previous, found = dict(record.versions), {}
    parsed: dict[str, Article] = {}  # each published text parsed once, not once per locale
    for item, entry in record.versions.items():
        article = articles.get(item[0])
        if (
            article is None
            or entry.state not in published.LIVE
            or item[1] == project.config.source_locale.name
            or entry.source in ("", article.digest)
        ):
            continue
        inputs = _cached(
            cache, article, item[1], entry,
            partial(_parsed, project, record, article, item[1], entry, parsed),
        )  # fmt: skip
        if inputs is None:
            previous[item] = replace(entry, source="")
        else:
            found[item] = inputs
    return previous, found


def _cached(
    cache: Cache, article: Article, locale: str, entry: Entry, parse: Callable[[], Inputs | None]
) -> Inputs | None:
    """The kept version's inputs from its slot when they were made from the same published texts,
    else ``parse()``d and kept there."""
    slot = f"{article.slug}\x00{locale}"
    key = kinds.versioned(entry.source, entry.po, str(article.path))
    found: Inputs | None = cache.get_slot(kinds.KEPT_INPUTS, slot, key)
    if found is None:
        found = parse()
        if found is not None:
            cache.put_slot(kinds.KEPT_INPUTS, slot, key, found)
    return found


def _parsed(
    project: Project,
    record: published.Record,
    article: Article,
    locale: str,
    entry: Entry,
    parsed: dict[str, Article],
) -> Inputs | None:
    text = record.text(entry.source)
    po = record.text(entry.po) if entry.po else b""
    if text is None or po is None:
        return None
    path = project.po_path(locale, article.slug)
    try:
        if entry.source not in parsed:
            parsed[entry.source] = parse_article(article.path, text.decode("utf-8"))
        return (
            parsed[entry.source],
            catalog.load_bytes(po, path, article.slug, locale) if po else None,
            digest(entry.source, entry.po),
        )
    except (PipelineError, UnicodeDecodeError):
        return None


def _states(project: Project, plan: Plan, withheld: Withheld) -> States:
    """Every version's state in this build, and why (a version with no page has none)."""
    config = project.config
    reasons = {(p.article, p.locale): p.reason for p in plan.previews}
    states: States = {}
    for slug, written in plan.versions.items():
        for version, locale in written:
            state = keeping.state_of(version)
            why = reasons.get((slug, locale.name), "")
            if state == KEPT:
                until = date.fromisoformat(version.kept) + timedelta(days=config.keep_days)
                why = f"its original changed on {version.kept}: the translation as last published stays online with a notice until it is complete again, or until {until.isoformat()}"
            states[(slug, locale.name)] = (state, why)
    for slug, error in withheld:
        for loc in config.all_locales:
            states[(slug, loc.name)] = (WITHHELD, error.message)
    return states


def site_for_checks(project: Project, catalogs: Catalogs) -> checks.Site:
    config = project.config
    glossaries = {
        loc.name: (
            catalogs.get((loc.name, GLOSSARY_DOMAIN)),
            config.rel(project.po_path(loc.name, GLOSSARY_DOMAIN)),
        )
        for loc in config.locales
    }
    site_catalogs = {
        (loc.name, domain): (found, config.rel(project.po_path(loc.name, domain)))
        for loc in config.locales
        for domain in (UI_DOMAIN, GLOSSARY_DOMAIN)
        if (found := catalogs.get((loc.name, domain))) is not None
    }
    interface = {
        loc.name: (
            project.interface.texts_of(loc),
            config.rel(project.po_path(loc.name, UI_DOMAIN)),
        )
        for loc in config.locales
        if loc.language != config.source_locale.language
    }
    return checks.Site(
        config.source_locale,
        project.glossary,
        config.targets,
        glossaries,
        require_review=config.require_review,
        catalogs=site_catalogs,
        interface=interface,
    )


def _context(
    project: Project, store: CatalogStore, plan: Plan, media: Media, kept: Kept, cache: Cache
) -> versions.Context:
    config = project.config
    image_digests = {out: file_digest(path) for out, path in media.files.items()}

    return versions.Context(
        articles={a.slug: a for a in project.articles},
        locales={loc.name: loc for loc in config.all_locales},
        source=config.source_locale,
        store=store,
        plan=plan,
        images=media.urls,
        image_digests=image_digests,
        leaflet_settings=LeafletSettings.of(config, media, image_digests)
        if config.leaflets
        else None,
        salt=_salt(project),
        make_check_site=lambda: site_for_checks(project, store),
        make_site=lambda: _site_context(project, store, plan),
        file_of=project.file_of,
        kept_keys={item: inputs[2] for item, inputs in kept.items()},
        make_kept=lambda: {item: inputs[:2] for item, inputs in kept.items()},
        cache=cache,
    )


def _salt(project: Project) -> str:
    """What every version depends on: the code, the configuration, the glossary, today's date
    (reviews fall due), whether Typst and its fonts are here (a version made without them has no
    leaflet, which a later build with them must not reuse) and Babel's CLDR data (scripts' directions, plurals)."""
    config = project.config
    return digest(
        code_version(),
        file_digest(config.root / "pyproject.toml"),
        file_digest(project.glossary.path),
        today().isoformat(),
        repr(config),
        engine.presence(),
        babel.__version__,
    )


def _site_context(project: Project, catalogs: Catalogs, plan: Plan) -> SiteContext:
    config = project.config
    ui_catalogs = {loc.name: catalogs.get((loc.name, UI_DOMAIN)) for loc in config.all_locales}
    return SiteContext(
        config.site_url,
        config.site_name,
        config.source_locale,
        plan.versions,
        ui_catalogs,
        plan.shares,
    )
