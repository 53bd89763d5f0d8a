"""The pages' source (bot/web/static): native ES modules, type-checked, no markup built from data.

These read the files and run the type checker; the pages' behaviour is tested in headless
Chromium by tests/e2e.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

STATIC = ROOT / "bot" / "web" / "static"
VENDOR = STATIC / "vendor"
TSC = ROOT / "node_modules" / ".bin" / "tsc"

# Ways to turn a string into markup. The vendored renderer (lit-html) uses innerHTML on its own
# template strings, never on data; our code goes through it or builds nodes.
MARKUP_SINKS = re.compile(
    r"\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write|unsafeHTML|createContextualFragment"
)
# A hand-written escaper is the sign of markup built from strings.
ESCAPERS = re.compile(r"&amp;|&lt;|\besc\s*\(|\bescapeHtml\b")
IMPORT = re.compile(r"""^\s*(?:import|export)\b[^'"]*?\bfrom\s+["']([^"']+)["']""", re.M)


def own_scripts() -> list[Path]:
    """Every page script of ours (not the vendored libraries)."""
    return sorted(p for p in STATIC.rglob("*.js") if VENDOR not in p.parents)


def test_no_page_builds_markup_from_strings() -> None:
    offenders = [
        f"{p.relative_to(STATIC)}:{n}: {line.strip()}"
        for p in own_scripts()
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if MARKUP_SINKS.search(line) or ESCAPERS.search(line)
    ]
    assert own_scripts(), "no page scripts found"
    assert offenders == [], "markup built from strings:\n" + "\n".join(offenders)


def test_every_page_script_is_a_type_checked_module() -> None:
    unchecked = [
        str(p.relative_to(STATIC))
        for p in own_scripts()
        if not p.read_text(encoding="utf-8").startswith("// @ts-check")
    ]
    assert unchecked == []
    for page in STATIC.glob("*.html"):
        scripts = re.findall(r"<script\b[^>]*>", page.read_text(encoding="utf-8"))
        assert scripts, f"{page.name} loads no script"
        assert all('type="module"' in s for s in scripts), f"{page.name}: {scripts}"


def test_module_imports_resolve_to_files() -> None:
    missing = []
    for p in own_scripts():
        for target in IMPORT.findall(p.read_text(encoding="utf-8")):
            assert target.startswith("."), f"{p.name} imports {target!r}: pages import by path only"
            if not (p.parent / target).resolve().is_file():
                missing.append(f"{p.relative_to(STATIC)} -> {target}")
    assert missing == []


def test_vendored_libraries_keep_their_licence_and_version() -> None:
    libs = [d for d in VENDOR.iterdir() if d.is_dir()]
    assert libs
    for lib in libs:
        assert (lib / "LICENSE").is_file(), f"{lib.name} has no LICENSE"
        version = re.search(r"^# \S+ (\d+\.\d+\.\d+)", (lib / "README.md").read_text("utf-8"))
        assert version, f"{lib.name}/README.md does not name the version"
    lit = (VENDOR / "lit-html" / "lit-html.js").read_text(encoding="utf-8")
    named = re.search(r"(\d+\.\d+\.\d+)", (VENDOR / "lit-html" / "README.md").read_text("utf-8"))
    assert named and f'push("{named.group(1)}")' in lit  # the build records its own version


def test_pages_pass_the_type_check() -> None:
    if not TSC.exists():
        pytest.skip("TypeScript is not installed: run `make node-tools` (make test does)")
    proc = subprocess.run(
        [str(TSC), "-p", str(STATIC / "jsconfig.json")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
