"""The import graph of `bot/`: package-level dependencies and the module cycles in them.

Usage::

    .venv/bin/python scripts/depgraph.py            # package edges, then every import cycle
    .venv/bin/python scripts/depgraph.py --dot      # the package graph in Graphviz dot

Imports are read with `ast` (nothing is imported): module-level and function-local imports
count alike, imports under `if TYPE_CHECKING:` are listed apart, because a cycle held together
by a deferred import is still a cycle a reader has to keep in mind.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for sub in node.body:
                for inner in ast.walk(sub):
                    if hasattr(inner, "lineno"):
                        lines.add(inner.lineno)
    return lines


def imports(path: Path, modules: set[str]) -> dict[str, str]:
    """{imported module of bot: 'runtime' | 'typing'} for one file."""
    tree = ast.parse(path.read_text("utf-8"))
    typing_only = _type_checking_lines(tree)
    me = module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from pkg import sub` imports the submodule; `from pkg import name`, the package.
            names = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names
            ]
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name != me:
                kind = "typing" if node.lineno in typing_only else "runtime"
                if found.get(name) != "runtime":
                    found[name] = kind
    return found


def graph() -> dict[str, dict[str, str]]:
    files = sorted((ROOT / "bot").rglob("*.py"))
    files = [f for f in files if "migrations" not in f.parts]
    modules = {module_name(f) for f in files}
    return {module_name(f): imports(f, modules) for f in files}


def package_of(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else module


def cycles(g: dict[str, dict[str, str]], kinds: set[str]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    sys.setrecursionlimit(10_000)

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on.add(v)
        for w, kind in g.get(v, {}).items():
            if kind not in kinds:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return sorted(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dot", action="store_true", help="print the package graph as dot")
    args = parser.parse_args()
    g = graph()
    edges: dict[tuple[str, str], int] = defaultdict(int)
    for src, targets in g.items():
        for dst in targets:
            a, b = package_of(src), package_of(dst)
            if a != b:
                edges[(a, b)] += 1
    if args.dot:
        print("digraph bot {")
        for (a, b), n in sorted(edges.items()):
            print(f'  "{a}" -> "{b}" [label={n}];')
        print("}")
        return 0
    print("package dependencies (imports):")
    for (a, b), n in sorted(edges.items()):
        back = " <-> (both ways)" if (b, a) in edges else ""
        print(f"  {a} -> {b}  {n}{back}")
    with_typing = cycles(g, {"runtime", "typing"})
    runtime = cycles(g, {"runtime"})
    print(f"\nmodule cycles, runtime imports only: {len(runtime)}")
    for c in runtime:
        print(f"  {len(c)} modules: {', '.join(c)}")
    print(f"module cycles, type-only imports included: {len(with_typing)}")
    for c in with_typing:
        print(f"  {len(c)} modules: {', '.join(c)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
