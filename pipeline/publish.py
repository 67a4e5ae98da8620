"""Writing ``output/``: every file goes into a staging folder beside it, then the folder is swapped in.

A build that fails, or is killed, before the swap leaves the previous site whole.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

OUTPUT_README = "README.md"  # the publisher's own note in output/, carried over


def publish(output_dir: Path, files: Mapping[str, str | bytes] | Iterable[tuple[str, str | bytes]]) -> None:
    """Write ``files`` (path relative to ``output/`` -> content, or such pairs as they are made)
    and swap them in as the new site."""
    staging = Path(tempfile.mkdtemp(prefix=".output-staging-", dir=output_dir.parent))
    try:
        for rel_path, content in files.items() if isinstance(files, Mapping) else files:
            target = staging / rel_path
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        readme = output_dir / OUTPUT_README
        if readme.exists():
            shutil.copy2(readme, staging / OUTPUT_README)
        _swap(staging, output_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, output_dir: Path) -> None:
    old = output_dir.with_name(f".output-old-{os.getpid()}")
    if output_dir.exists():
        os.replace(output_dir, old)
    os.replace(staging, output_dir)
    shutil.rmtree(old, ignore_errors=True)
