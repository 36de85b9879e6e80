"""The public surface: ``__all__`` is complete and sorted, and importing the engine stays light
(no Great Expectations, no SQLAlchemy)."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from pathlib import Path

import gx_findmatches

PACKAGE_DIR = Path(gx_findmatches.__file__).parent
ENGINE_DIR = PACKAGE_DIR / "engine"
HEAVY = ("great_expectations", "sqlalchemy")


def test_all_is_sorted() -> None:
    assert gx_findmatches.__all__ == sorted(gx_findmatches.__all__)


def test_all_has_no_duplicates() -> None:
    assert len(set(gx_findmatches.__all__)) == len(gx_findmatches.__all__)


def test_every_name_in_all_exists() -> None:
    missing = [name for name in gx_findmatches.__all__ if not hasattr(gx_findmatches, name)]
    assert not missing


def test_every_public_member_is_in_all() -> None:
    """Every public class or function of our package that ``__init__`` exposes is exported."""
    ours = []
    for name in dir(gx_findmatches):  # lazy names included: dir() lists them before first use
        value = getattr(gx_findmatches, name)
        if name.startswith("_") or not (inspect.isclass(value) or inspect.isfunction(value)):
            continue
        if getattr(value, "__module__", "").split(".")[0] == "gx_findmatches":
            ours.append(name)
    assert ours, "the package exposes classes and functions"
    assert sorted(set(ours) - set(gx_findmatches.__all__)) == []


def test_errors_are_exported_and_form_one_tree() -> None:
    from gx_findmatches import errors

    for name in errors.__all__:
        assert name in gx_findmatches.__all__
        error = getattr(gx_findmatches, name)
        assert error is getattr(errors, name)
        assert issubclass(error, gx_findmatches.FindMatchesError)


def test_version_is_a_string() -> None:
    assert isinstance(gx_findmatches.__version__, str) and gx_findmatches.__version__


def _imported_in_fresh_interpreter(statement: str) -> dict[str, bool]:
    code = f"import sys; {statement}; print(','.join(str(m in sys.modules) for m in {HEAVY!r}))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    flags = result.stdout.strip().splitlines()[-1].split(",")
    return dict(zip(HEAVY, (flag == "True" for flag in flags), strict=True))


def test_import_does_not_import_great_expectations() -> None:
    loaded = _imported_in_fresh_interpreter("import gx_findmatches")
    assert loaded["great_expectations"] is False


def test_package_import_is_light() -> None:
    """``import gx_findmatches`` loads no engine library: the public names load on first use,
    so the command line can answer ``--help`` without scikit-learn or pandas."""
    code = (
        "import sys, gx_findmatches, gx_findmatches.errors, gx_findmatches.engine.settings; "
        "print(sorted(m for m in ('sklearn', 'pandas', 'recordlinkage') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "[]"
    lazy = subprocess.run(
        [
            sys.executable,
            "-c",
            "from gx_findmatches import FindMatches; print(FindMatches.__name__)",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert lazy.stdout.strip() == "FindMatches"


def test_engine_import_pulls_in_neither_gx_nor_sqlalchemy() -> None:
    loaded = _imported_in_fresh_interpreter(
        "import gx_findmatches, gx_findmatches.engine.transform, gx_findmatches.engine.evaluation, "
        "gx_findmatches.engine.persistence, gx_findmatches.cli"
    )
    assert loaded == {"great_expectations": False, "sqlalchemy": False}


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_engine_sources_never_import_gx_or_sqlalchemy() -> None:
    sources = sorted(ENGINE_DIR.rglob("*.py"))
    assert len(sources) > 5
    offenders = {}
    for path in sources:
        heavy = {m for m in _imported_modules(path) if m.split(".")[0] in HEAVY}
        text = path.read_text(encoding="utf-8")
        # also dynamic imports (importlib.import_module("great_expectations"), __import__)
        dynamic = {m for m in HEAVY if f'"{m}' in text or f"'{m}" in text}
        if heavy or dynamic:
            offenders[path.name] = sorted(heavy | dynamic)
    assert offenders == {}
