#!/usr/bin/env python3
"""Fails when a target imports a module it does not declare as a dependency in Package.swift.

SwiftPM's own check (--explicit-target-dependency-import-check) accepts a module that is only a
transitive dependency, so it would let the executable import the store through the daemon; this
check holds each target to its direct dependencies. Run from the package root: make check-imports.
"""
import json
import pathlib
import re
import subprocess
import sys

# Modules of the toolchain, which no Package.swift declares.
SYSTEM = {"Foundation", "FoundationEssentials", "FoundationNetworking", "Dispatch", "Glibc", "Musl", "Darwin", "Synchronization", "Testing", "XCTest"}
IMPORT = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:public |package |internal |fileprivate |private )?import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?([A-Za-z_][A-Za-z0-9_]*)", re.M)


def module_name(name: str) -> str:
    return name.replace("-", "_")


def import_block(text: str) -> str:
    """The file's leading lines up to its first declaration: imports, comments and `#if`s (so an
    `import` inside a string literal further down, such as a Python script, is not read)."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith(("//", "/*", "*", "#if", "#else", "#elseif", "#endif", "@")) and not IMPORT.match(line):
            break
        lines.append(line)
    return "\n".join(lines)


def main() -> int:
    package = json.loads(subprocess.check_output(["swift", "package", "dump-package"], text=True))
    problems = []
    for target in package["targets"]:
        allowed = set(SYSTEM) | {module_name(target["name"])}
        for dependency in target.get("dependencies", []):
            for kind in ("byName", "target", "product"):
                if kind in dependency:
                    allowed.add(module_name(dependency[kind][0]))
        directory = pathlib.Path(target.get("path") or ("Tests" if target["type"] == "test" else "Sources")) 
        if not target.get("path"):
            directory = directory / target["name"]
        for source in sorted(directory.rglob("*.swift")):
            for imported in IMPORT.findall(import_block(source.read_text())):
                if imported not in allowed:
                    problems.append(f"{source}: imports {imported}, which target {target['name']} does not declare")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} import(s) of undeclared modules: add the dependency in Package.swift, or go through the layer above", file=sys.stderr)
        return 1
    print(f"imports ok: every target imports only what Package.swift declares for it ({len(package['targets'])} targets)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
