"""An accessible multilingual content pipeline: Markdown articles -> gettext catalogues -> localized pages."""

__version__ = "0.1.0"
