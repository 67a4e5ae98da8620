"""Words in every script: glossary terms by stem, syllables, readability formulas, word tables."""
