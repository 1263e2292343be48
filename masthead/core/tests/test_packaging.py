"""Installs are reproducible: `make` installs requirements/lock.txt (pinned, hashed), and
the lock agrees with the ranges pyproject.toml promises to those who install the package."""

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from masthead.core.tests.processes import PROJECT

LOCK = PROJECT / "requirements" / "lock.txt"
PINNED = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)")


def locked_packages() -> dict[str, tuple[str, list[str]]]:
    """Each locked package: its version and its hashes."""
    packages: dict[str, tuple[str, list[str]]] = {}
    current = None
    for line in LOCK.read_text().splitlines():
        pinned = PINNED.match(line)
        if pinned:
            current = canonicalize_name(pinned["name"])
            packages[current] = (pinned["version"], [])
        elif line.strip().startswith("--hash=sha256:") and current:
            packages[current][1].append(line.strip().removeprefix("--hash=sha256:").rstrip(" \\"))
    return packages


def declared_requirements() -> list[Requirement]:
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + [spec for specs in project["optional-dependencies"].values() for spec in specs]
    return [Requirement(spec) for spec in declared]


def test_the_lock_pins_every_declared_dependency_within_its_range():
    locked = locked_packages()

    for requirement in declared_requirements():
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{requirement} is not in {LOCK.name}: run `make lock`"
        version = locked[name][0]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{LOCK.name} pins {name}=={version}, outside pyproject.toml's {requirement}: run `make lock`"
        )


def test_the_lock_holds_the_extras_the_project_asks_for():
    locked = locked_packages()

    assert "psycopg-binary" in locked  # psycopg[binary]
    assert "hiredis" in locked  # redis[hiredis]


def test_every_locked_package_has_hashes():
    for name, (version, hashes) in locked_packages().items():
        assert hashes and all(re.fullmatch(r"[0-9a-f]{64}", digest) for digest in hashes), f"{name}=={version}"


def test_make_installs_from_the_lock_with_hashes_then_masthead_without_dependencies():
    makefile = (PROJECT / "Makefile").read_text()

    assert "pip install --quiet --require-hashes -r $(LOCK)" in makefile
    assert "pip install --quiet --no-deps -e ." in makefile
    assert 'pip install --quiet -e ".[dev]"' not in makefile
