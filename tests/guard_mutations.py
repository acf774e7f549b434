"""Services protect themselves: every guard statement of every service has a test that fails
without it (docs/contributing.md "Guards").

Run `python -m tests.guard_mutations` (or `make guard-check`). It finds the guard statements
of the service modules, and for each one runs the app's service tests with that one
statement removed from the module as it is imported (the files on disk are never touched).
A guard whose removal leaves those tests green is reported, and the run fails.

A guard statement is, inside a service module:
- an `if` whose body only raises (`if not can_x(...): raise PermissionDenied(...)`), and
- a bare call of a checking helper: a function named `check_*`, `require_*` or `ensure_*`
  (with or without a leading underscore), such as `periods.check_dates_in_range(...)`.

The service tests of an app are `tests/<app>/test_service*.py`: tests that call the services
directly, so that a view or form refusing first cannot hide a missing guard.

Used as a pytest plugin (`-p tests.guard_mutations`) with PLANBRIDGE_GUARD_MUTANT set to
"module.name:line", it installs an import hook that drops the statement at that line.
"""

import argparse
import ast
import importlib.abc
import importlib.machinery
import importlib.util
import os
import queue
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTANT_VARIABLE = "PLANBRIDGE_GUARD_MUTANT"
CHECKER_PREFIXES = ("check_", "require_", "ensure_")
APPS = ("planbridge", "goals", "meetings", "reviews")


@dataclass(frozen=True)
class Guard:
    module: str
    path: Path
    line: int
    source: str

    @property
    def app(self) -> str:
        return self.module.split(".")[0]

    def __str__(self):
        return f"{self.path.relative_to(ROOT)}:{self.line}: {self.source}"


def _called_name(call: ast.Call) -> str:
    function = call.func
    if isinstance(function, ast.Attribute):
        return function.attr
    if isinstance(function, ast.Name):
        return function.id
    return ""


def is_guard(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.If):
        return not statement.orelse and all(isinstance(s, ast.Raise) for s in statement.body)
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        return _called_name(statement.value).lstrip("_").startswith(CHECKER_PREFIXES)
    return False


# Write paths that are services in all but name: the core's one send path for every message,
# the one-time tokens every creating form's submit goes through, the recording of
# notifications, and the chat robots' writes.
OTHER_SERVICE_MODULES = [
    ("planbridge.outbox", ROOT / "planbridge" / "outbox.py"),
    ("planbridge.robots.services", ROOT / "planbridge" / "robots" / "services.py"),
    ("planbridge.once", ROOT / "planbridge" / "once.py"),
    ("planbridge.notifications", ROOT / "planbridge" / "notifications.py"),
]


def service_modules() -> list[tuple[str, Path]]:
    found = list(OTHER_SERVICE_MODULES)
    for app in APPS:
        single = ROOT / app / "services.py"
        package = ROOT / app / "services"
        if single.exists():
            found.append((f"{app}.services", single))
        if package.is_dir():
            for path in sorted(package.glob("*.py")):
                if path.name != "__init__.py":
                    found.append((f"{app}.services.{path.stem}", path))
    return found


def guards_in(module: str, path: Path) -> list[Guard]:
    source = path.read_text()
    lines = source.splitlines()
    return [
        Guard(module, path, node.lineno, lines[node.lineno - 1].strip())
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.stmt) and is_guard(node)
    ]


def all_guards() -> list[Guard]:
    return [guard for module, path in service_modules() for guard in guards_in(module, path)]


class _DropStatement(ast.NodeTransformer):
    def __init__(self, line: int):
        self.line = line
        self.dropped = False

    def generic_visit(self, node):
        super().generic_visit(node)
        for field in ("body", "orelse", "finalbody"):
            statements = getattr(node, field, None)
            if isinstance(statements, list) and statements and isinstance(statements[0], ast.stmt):
                kept = [s for s in statements if not (s.lineno == self.line and is_guard(s))]
                if len(kept) != len(statements):
                    self.dropped = True
                    setattr(node, field, kept or [ast.Pass()])
        return node


class _MutantLoader(importlib.machinery.SourceFileLoader):
    def __init__(self, fullname, path, line):
        super().__init__(fullname, path)
        self.line = line

    def source_to_code(self, data, path, *, _optimize=-1):
        tree = ast.parse(data)
        dropper = _DropStatement(self.line)
        tree = ast.fix_missing_locations(dropper.visit(tree))
        if not dropper.dropped:
            raise RuntimeError(f"no guard statement at {path}:{self.line}")
        return compile(tree, path, "exec", dont_inherit=True)

    def get_code(self, fullname):
        # Never read or write the bytecode cache: the mutant must not outlive this run.
        return self.source_to_code(self.get_data(self.path), self.path)


class _MutantFinder(importlib.abc.MetaPathFinder):
    def __init__(self, module: str, line: int):
        self.module, self.line = module, line

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.module:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        spec.loader = _MutantLoader(fullname, spec.origin, self.line)
        return spec


def _install_mutant_from_environment() -> None:
    target = os.environ.get(MUTANT_VARIABLE)
    if target:
        module, line = target.rsplit(":", 1)
        sys.meta_path.insert(0, _MutantFinder(module, int(line)))


_install_mutant_from_environment()


def service_tests(app: str) -> list[str]:
    return sorted(
        str(path.relative_to(ROOT)) for path in (ROOT / "tests" / app).glob("test_service*.py")
    )


def run_with_mutant(guard: Guard, worker: int) -> tuple[Guard, bool, str]:
    """(guard, caught, output): caught is True when some service test failed without it."""
    tests = service_tests(guard.app)
    if not tests:
        return guard, False, f"no tests/{guard.app}/test_service*.py"
    database = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/planbridge")
    env = {
        **os.environ,
        MUTANT_VARIABLE: f"{guard.module}:{guard.line}",
        # A database of its own per worker, named after DATABASE_URL's, so that runs started
        # with different databases never share one.
        "DATABASE_URL": f"{database}_guards_{worker}",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    command = [sys.executable, "-m", "pytest", "-q", "-x", "--reuse-db", "-p", "no:cacheprovider"]
    command += ["-p", "tests.guard_mutations", *tests]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if "no guard statement at" in result.stdout + result.stderr:
        return guard, False, "the mutant could not be built"
    return guard, result.returncode == 1, result.stdout[-2000:]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--app", choices=APPS, action="append", help="only these apps")
    parser.add_argument("--jobs", "-j", type=int, default=2)
    parser.add_argument("--list", action="store_true", help="list the guards and stop")
    options = parser.parse_args(argv)
    guards = [g for g in all_guards() if not options.app or g.app in options.app]
    if options.list:
        for guard in guards:
            print(guard)
        print(f"{len(guards)} guard statements")
        return 0
    survivors = []
    # Each database serves one run at a time: a run borrows a free one and gives it back.
    databases: queue.Queue[int] = queue.Queue()
    for number in range(options.jobs):
        databases.put(number)

    def run(guard):
        number = databases.get()
        try:
            return run_with_mutant(guard, number)
        finally:
            databases.put(number)

    with ThreadPoolExecutor(max_workers=options.jobs) as pool:
        futures = [pool.submit(run, guard) for guard in guards]
        for future in futures:
            guard, caught, output = future.result()
            print(("caught   " if caught else "SURVIVED ") + str(guard), flush=True)
            if not caught:
                survivors.append((guard, output))
    print(f"\n{len(guards) - len(survivors)} of {len(guards)} guards are tested.")
    for guard, output in survivors:
        print(f"\nNo service test fails without {guard}\n{output.strip()[-600:]}")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
