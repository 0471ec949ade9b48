#!/usr/bin/env python3
"""Prints the module table of docs/DESIGN.md from the sources: every target under Sources/,
bottom-up, with the project modules its files `import` (issue #21 item 9). The "holds" column
is kept from the current table in docs/DESIGN.md. Rerun after changing imports:

    python3 scripts/module_table.py            # the markdown table
    python3 scripts/module_table.py --check    # also compare with Package.swift's dependencies
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMPORT = re.compile(r'^\s*(?:@\w+\s+)*import\s+(?:(?:struct|class|enum|func|var|protocol)\s+)?([A-Za-z_]\w*)', re.M)
CLI = {"SplatLiftCLI": "splatlift"}   # executable targets: the product name the table shows


def imports(folder, project):
    found = set()
    for base, _, files in os.walk(folder):
        for name in files:
            if name.endswith(".swift"):
                with open(os.path.join(base, name), encoding="utf-8") as f:
                    found.update(m for m in IMPORT.findall(f.read()) if m in project)
    return found


def targets():
    sources = os.path.join(ROOT, "Sources")
    names = sorted(n for n in os.listdir(sources) if os.path.isdir(os.path.join(sources, n)))
    system = {n for n in names if os.path.exists(os.path.join(sources, n, "module.modulemap"))}
    deps = {n: (set() if n in system else imports(os.path.join(sources, n), set(names)) - {n}) for n in names}
    return names, system, deps


def layers(deps):
    depth = {}
    def level(n):
        if n not in depth:
            depth[n] = 0
            depth[n] = 1 + max((level(d) for d in deps[n]), default=-1)
        return depth[n]
    for n in deps:
        level(n)
    return depth


def holds_column():
    """target name → its "holds" text in the current docs/DESIGN.md table."""
    holds = {}
    with open(os.path.join(ROOT, "docs", "DESIGN.md"), encoding="utf-8") as f:
        for line in f:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 3 and cells[0].startswith("`"):
                for name in re.findall(r"`([^`]+)`", cells[0]):
                    holds[name] = cells[1]
    return holds


def table():
    names, system, deps = targets()
    depth, holds = layers(deps), holds_column()
    rows = ["| target | holds | imports (project modules) |", "|---|---|---|"]
    if system:
        first = sorted(system)
        rows.append("| %s | %s | — |" % (", ".join("`%s`" % n for n in first), holds.get(first[0], "")))
    for n in sorted((n for n in names if n not in system), key=lambda n: (depth[n], n)):
        shown = "`%s` (executable `%s`)" % (n, CLI[n]) if n in CLI else "`%s`" % n
        text = holds.get(n) or holds.get(CLI.get(n, ""), "")
        used = ", ".join(sorted(deps[n], key=lambda d: (depth[d], d))) or "—"
        rows.append("| %s | %s | %s |" % (shown, text, used))
    return "\n".join(rows)


def dependency_list(call):
    """The text inside a target call's `dependencies: [...]` (brackets matched), or ""."""
    m = re.search(r'dependencies:\s*\[', call)
    if not m:
        return ""
    depth, end = 1, m.end()
    while depth:
        depth += {"[": 1, "]": -1}.get(call[end], 0)
        end += 1
    return call[m.end():end - 1]


def check():
    """Compares each target's imports with its `dependencies:` in Package.swift (project modules
    and products); returns the mismatches."""
    with open(os.path.join(ROOT, "Package.swift"), encoding="utf-8") as f:
        manifest = f.read()
    problems = []
    for m in re.finditer(r'\.(?:target|executableTarget|testTarget)\(\s*name:\s*"(\w+)"', manifest):
        name, depth, end = m.group(1), 1, m.end()
        while depth:                       # the rest of the call, up to its closing parenthesis
            depth += {"(": 1, ")": -1}.get(manifest[end], 0)
            end += 1
        rest = manifest[m.end():end]
        path = re.search(r'path:\s*"([^"]+)"', rest)
        folder = os.path.join(ROOT, path.group(1) if path else ("Tests" if name.endswith("Tests") else "Sources"), "" if path else name)
        declared = set(re.findall(r'"(\w+)"', re.sub(r'package:\s*"[^"]*"', "", dependency_list(rest))))
        used = imports(folder, {n for n in re.findall(r'name:\s*"(\w+)"', manifest)} | {"ArgumentParser"})
        if declared != used:
            problems.append("%s: declares %s, imports %s" % (name, sorted(declared), sorted(used)))
    return problems


if __name__ == "__main__":
    print(table())
    if "--check" in sys.argv:
        problems = check()
        for p in problems:
            print(p, file=sys.stderr)
        sys.exit(1 if problems else 0)
