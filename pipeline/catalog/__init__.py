"""The catalogue boundary: every polib import; strict reading, GNU-exact writing, merge, plural forms."""
