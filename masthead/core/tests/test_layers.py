"""The apps' layers (pyproject.toml, [tool.importlinter]): pagecache is a mechanism that
imports no app, core names no feature app, and no app imports one above it."""

from pathlib import Path

from importlinter.cli import lint_imports

PROJECT = Path(__file__).resolve().parents[3]


def test_imports_follow_the_layers(monkeypatch, capsys):
    monkeypatch.chdir(PROJECT)
    exit_code = lint_imports(config_filename=str(PROJECT / "pyproject.toml"), no_cache=True)
    assert exit_code == 0, capsys.readouterr().out
