"""Reading articles and the glossary: the Markdown extension that defines a unit, front matter, raw HTML."""
