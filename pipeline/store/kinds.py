"""Every kind of entry the build's cache keeps, and the recipe its keys share, in one place.

A kind names a folder of ``.pipeline-cache/``. How long its entries live decides who deletes
them: a *version* kind holds one entry per version key and is deleted with the version when its
inputs change; a *site* kind holds the current site's one entry, and a build sweeps the others;
a *slot* kind holds one entry per file or version, replaced when that changes; a *table* is a
lookup table that depends on the code and a library's data only, kept until either changes.

| kind             | lives   | holds                                                         | written by           |
|------------------|---------|---------------------------------------------------------------|----------------------|
| summary          | version | a version's small summary for the reduce                      | build/versions       |
| findings         | version | every finding of a version (report, preview panel)            | build/versions       |
| files            | version | the files a version wrote, by output path                     | build/versions       |
| part             | version | a version's share of the site report (raw bytes)              | build/versions       |
| build            | site    | the last build's result (each version's tally, first errors)  | build/site           |
| summaries        | site    | every version's summary in one entry, read back at once       | build/site           |
| plan             | site    | what each article publishes, by its inputs, one entry         | build/publication    |
| index            | site    | each index page and the sitemap, by what it shows             | build/site           |
| articles         | site    | the parsed articles of a shard (a hex digit of the file name) | project              |
| pot-all          | site    | the POTs as extract last wrote them                           | build/verbs          |
| site-findings    | site    | the findings of every glossary.po and ui.po, by their inputs  | build/reduce         |
| article          | slot    | one parsed article, by its file                               | project              |
| pot              | slot    | one POT as extract wrote it                                   | build/verbs          |
| merged           | slot    | a PO's hash as the last update left it                        | build/verbs          |
| plain-written    | slot    | whether a plain version was written                           | build/publication    |
| leaflet          | slot    | a version's leaflet, by what it prints                        | render/leaflet       |
| kept-inputs      | slot    | a kept translation's inputs as published, parsed              | build/gather         |
| report-layout    | slot    | where each part's sections lie in a report file, by its key   | report/assemble      |
| stats            | slot    | every article's versions' figures, by its inputs, one entry   | build/figures        |
| ui-units         | slot    | the templates' texts, per release of the code                 | project              |
| published        | slot    | the record of ``output/``                                     | store/outputs        |
| stamps           | slot    | each hashed file's stamps and hash, as git's index keeps them | store/cache          |
| vocabulary, hyphenation, cmu-index, locale-names | table | lookup tables | checks/plain, language/syllables, locales |
"""

from __future__ import annotations

from pipeline.store.cache import code_version, digest

# version kinds: one entry per version key
SUMMARY, FINDINGS, FILES, PART = "summary", "findings", "files", "part"
VERSION_KINDS = (SUMMARY, FINDINGS, FILES, PART)

# site kinds: the current site's entry; a build sweeps the others
BUILD, BUILD_ALL, SUMMARIES, PLAN, INDEX, ARTICLES, POT_ALL, SITE_FINDINGS = (
    "build",
    "build-all",
    "summaries",
    "plan",
    "index",
    "articles",
    "pot-all",
    "site-findings",
)
# build-all, the result with every finding, is no longer written (the findings are read back from
# the versions' entries): listed so that a build sweeps what an earlier release left there
SITE_KINDS = (BUILD, BUILD_ALL, SUMMARIES, PLAN, INDEX, ARTICLES, POT_ALL, SITE_FINDINGS)

# slot kinds: one entry per file or version, replaced when it changes
ARTICLE, POT, MERGED, PLAIN_WRITTEN, LEAFLET, KEPT_INPUTS = (
    "article",
    "pot",
    "merged",
    "plain-written",
    "leaflet",
    "kept-inputs",
)
STATS, UI_UNITS, PUBLISHED, REPORT_LAYOUT = "stats", "ui-units", "published", "report-layout"

# lookup tables (``cache.table``) and the folders libraries keep their own caches in
VOCABULARY, HYPHENATION, CMU_INDEX, LOCALE_NAMES = (
    "vocabulary",
    "hyphenation",
    "cmu-index",
    "locale-names",
)
WARM_TABLES = (VOCABULARY, HYPHENATION, CMU_INDEX)  # what the warmer builds on a cold cache
TEMPLATES, TEMPLATES_LEAFLET = "templates", "templates-leaflet"


def versioned(*parts: str | bytes) -> str:
    """The key recipe every kind shares: its inputs and the pipeline's own code and templates,
    so a new release never reuses an old result."""
    return digest(code_version(), *parts)
