"""Every PO file of a project, read on first use and hashed without being read when unchanged."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from pipeline.model import GLOSSARY_DOMAIN, UI_DOMAIN, Catalog


class CatalogStore(Mapping[tuple[str, str], Catalog]):
    """Every PO file of the project, read on first use.

    A build whose results are all cached never parses a PO: it only hashes the files. The site's
    own catalogues (glossary, UI) stay in memory; of the articles' catalogues only the last
    ``RECENT`` read do, so a build's memory does not grow with the site (a version's catalogue
    is read when its figures are counted and again, in a worker, when it is made).
    """

    RECENT = 64

    def __init__(
        self,
        paths: dict[tuple[str, str], Path],
        load: object,
        hasher: Callable[[Path], str],
    ) -> None:
        self._paths = {key: path for key, path in paths.items() if path.exists()}
        self._load = load  # (path, domain, locale) -> Catalog; catalog.load
        self._hash = hasher  # file_digest, or Cache.file_digest: unchanged files are not read
        self._site: dict[tuple[str, str], Catalog] = {}
        self._recent: OrderedDict[tuple[str, str], Catalog] = OrderedDict()
        self._digests: dict[tuple[str, str], str] = {}

    def __getitem__(self, key: tuple[str, str]) -> Catalog:
        if key[1] in (GLOSSARY_DOMAIN, UI_DOMAIN):
            if key not in self._site:
                self._site[key] = self._read(key)
            return self._site[key]
        if key in self._recent:
            self._recent.move_to_end(key)
            return self._recent[key]
        found = self._recent[key] = self._read(key)
        if len(self._recent) > self.RECENT:
            self._recent.popitem(last=False)
        return found

    def _read(self, key: tuple[str, str]) -> Catalog:
        path = self._paths[key]  # KeyError: no such PO, as a dict would say
        return self._load(path, key[1], key[0])  # type: ignore[operator]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def path(self, locale: str, domain: str) -> Path | None:
        """Where its PO is, if it was there when the store was made (as its ``digest`` says)."""
        return self._paths.get((locale, domain))

    def digest(self, locale: str, domain: str) -> str:
        key = (locale, domain)
        if key not in self._digests:
            path = self._paths.get(key)
            self._digests[key] = self._hash(path) if path is not None else "-"
        return self._digests[key]
