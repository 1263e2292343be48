"""Installs are reproducible: `make` installs requirements/lock.txt (pinned, hashed), and
the lock agrees with the ranges pyproject.toml promises to those who install the package."""

import ast
import importlib.metadata
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


def runtime_distributions() -> set[str]:
    """pyproject.toml's runtime dependencies and everything they install in turn (the
    extras the project asks for included): what `pip install masthead` brings."""
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]
    wanted = [Requirement(spec) for spec in project["dependencies"]]
    found: set[str] = set()
    while wanted:
        requirement = wanted.pop()
        name = canonicalize_name(requirement.name)
        if name in found:
            continue
        found.add(name)
        try:
            requires = importlib.metadata.requires(requirement.name) or []
        except importlib.metadata.PackageNotFoundError:
            continue  # a marker left it out on this interpreter
        for spec in requires:
            needed = Requirement(spec)
            environments = [{"extra": extra} for extra in ("", *requirement.extras)]
            if needed.marker is None or any(needed.marker.evaluate(env) for env in environments):
                wanted.append(needed)
    return found


TEST_TOOLS = {
    "masthead/newsletter/smtp_sink.py",  # the SMTP server the tests and the bench send mail to (aiosmtpd)
    "masthead/paypal_sandbox/testing.py",  # the local PayPal sandbox's pytest fixture
}


def test_code_outside_tests_imports_only_what_a_plain_install_brings():
    """A module imported by the running site or its commands must come with Masthead's
    runtime dependencies, not only with the dev extra (`make` installs both, so nothing
    else would notice). The two test tools that live beside the code they serve are the
    exceptions."""
    runtime = runtime_distributions()
    distributions = importlib.metadata.packages_distributions()
    missing = set()
    for path in (PROJECT / "masthead").rglob("*.py"):
        relative = path.relative_to(PROJECT)
        if "tests" in relative.parts or path.name == "conftest.py" or relative.as_posix() in TEST_TOOLS:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                owners = {canonicalize_name(owner) for owner in distributions.get(top, [])}
                if owners and not owners & runtime and top != "masthead":
                    missing.add(f"{top} ({', '.join(sorted(owners))}) in {path.relative_to(PROJECT)}")
    assert not missing, "imported outside tests but not a runtime dependency:\n" + "\n".join(sorted(missing))
