"""The live preview for translators and its findings panel."""
