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


def code_lines(text: str):
    """The file's lines outside block comments and multi-line string literals (so an `import`
    inside a string, such as a Python script a test runs, is not read), with their numbers."""
    in_comment = 0
    in_string = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if in_string:
            if stripped.count('"""') % 2 == 1:
                in_string = False
            continue
        if in_comment:
            in_comment += stripped.count("/*") - stripped.count("*/")
            continue
        if stripped.startswith("/*"):
            in_comment = stripped.count("/*") - stripped.count("*/")
            continue
        yield number, line
        if line.count('"""') % 2 == 1:
            in_string = True


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
            for number, line in code_lines(source.read_text()):
                if "@_exported" in line and IMPORT.match(line):
                    problems.append(f"{source}:{number}: @_exported import hands a module to every importer; import it where it is used")
                match = IMPORT.match(line)
                if match and match.group(1) not in allowed:
                    problems.append(f"{source}:{number}: imports {match.group(1)}, which target {target['name']} does not declare")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} import(s) of undeclared modules: add the dependency in Package.swift, or go through the layer above", file=sys.stderr)
        return 1
    print(f"imports ok: every target imports only what Package.swift declares for it ({len(package['targets'])} targets)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
