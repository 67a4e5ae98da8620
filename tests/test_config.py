"""Configuration mistakes are reported at once, naming pyproject.toml; source mistakes name their file."""

from __future__ import annotations

from pathlib import Path


def _write(site: Path, table: str) -> None:
    (site / "pyproject.toml").write_text(table, encoding="utf-8")


def test_all_config_problems_are_reported_together(site: Path, run) -> None:
    _write(site, '[tool.pipeline]\nlocales = ["es", "zz"]\nsite_url = "example.org"\ncolour = 1\n')
    code, _out, err = run(site, "stats")
    assert code == 2
    assert "pyproject.toml" in err and "zz" in err and "site_url" in err and "colour" in err
    assert len(err.strip().splitlines()) == 1


def test_invalid_toml_names_the_file(site: Path, run) -> None:
    _write(site, "[tool.pipeline\n")
    code, _out, err = run(site, "build")
    assert code == 2 and "pyproject.toml" in err and "TOML" in err


def test_readability_target_with_the_wrong_bound_explains_itself(site: Path, run) -> None:
    _write(
        site,
        '[tool.pipeline]\nlocales = ["es"]\n[tool.pipeline.readability.es]\nmetric = "fernandez_huerta"\nmax = 60\n',
    )
    code, _out, err = run(site, "check")
    assert code == 2 and "higher when easier" in err and "min = N" in err


def test_unknown_readability_metric_lists_the_known_ones(site: Path, run) -> None:
    _write(
        site,
        '[tool.pipeline]\nlocales = ["es"]\n[tool.pipeline.readability.es]\nmetric = "flesch_kincaid_grade"\nmax = 8\n',
    )
    code, _out, err = run(site, "check")
    assert code == 2 and "fernandez_huerta" in err


def test_broken_glossary_names_file_and_line(site: Path, run) -> None:
    (site / "source" / "glossary.toml").write_text(
        '[[terms]]\nterm = "NMDA"\n\n[[terms]]\nterm = "x"\ndefinition = 3\n', encoding="utf-8"
    )
    code, _out, err = run(site, "extract")
    assert code == 2 and err.startswith("pipeline: source/glossary.toml:1:")


def test_article_that_is_not_utf8_names_file_and_line(site: Path, run) -> None:
    (site / "source" / "broken.md").write_bytes(b"Title: x\n\nline two\ncaf\xe9\n")
    code, _out, err = run(site, "extract")
    assert code == 2 and err.startswith("pipeline: source/broken.md:4:") and "UTF-8" in err


def test_without_pyproject_the_locales_on_disk_are_used(site: Path, run) -> None:
    (site / "pyproject.toml").unlink()
    code, out, _ = run(site, "stats")
    assert code == 0 and {line.split()[0] for line in out.splitlines()[1:]} == {
        "ar",
        "en@plain",
        "es",
    }


def test_a_folder_that_cannot_be_written_is_one_line_and_exit_2(
    site: Path, run, monkeypatch
) -> None:
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(site))

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    code, _out, err = run(site, "build")
    assert code == 2
    assert err.strip() == f"pipeline: {site}: Permission denied"
