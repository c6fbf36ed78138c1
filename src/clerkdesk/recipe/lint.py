"""``clerkdesk recipe lint``: every problem of recipe and system files, as ``file:line:col: message``.

Errors make lint fail; warnings (``file:line:col: warning: …``) point at something that works today but
would stop a run for some records, such as a code map that leaves out a canonical code. Recipes are
checked against the systems of the ``systems/`` folder that belongs to them: the nearest one in the
linted folder or a parent of it, else the configured recipes folder's.
"""

from __future__ import annotations

from pathlib import Path

from clerkdesk.errors import Mark, RecipeError
from clerkdesk.recipe.loader import lint_recipe
from clerkdesk.recipe.model import Recipe
from clerkdesk.recipe.systems import System, check_system


class LintWarning(RecipeError):
    """A problem that does not make lint fail (unless ``--strict``)."""

    warning = True

    def __init__(self, message: str, mark: Mark | None = None, hint: str | None = None):
        super().__init__(message, mark, hint)
        text = f"{mark}: warning: {message}" if mark else f"warning: {message}"
        self.args = (text + (f" {hint}" if hint else ""),)

    def __str__(self) -> str:
        return str(self.args[0])


def is_warning(problem: RecipeError) -> bool:
    return bool(getattr(problem, "warning", False))


def systems_folder_for(path: Path, fallback: Path | None = None) -> Path | None:
    """The recipes folder whose ``systems/`` PATH's recipes are checked against.

    The first of PATH (a folder) or its parents that has a ``systems/`` folder, so a new recipes folder
    is linted against its own systems; else FALLBACK (the configured recipes folder) if it has one.
    """
    start = path if path.is_dir() else path.parent
    chain = [start, *start.parents]  # in the form given, so messages name files as the supervisor typed them
    if not start.is_absolute():
        chain += Path.cwd().parents
    for folder in chain:
        if (folder / "systems").is_dir():
            return folder
    return fallback if fallback is not None and (fallback / "systems").is_dir() else None


def _files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files += [f for f in sorted(p.rglob("*.yaml")) if f.name != "bundles.yaml"]
        else:
            files.append(p)
    return files


def lint_paths(paths: list[Path], systems_folder: Path | None = None) -> list[RecipeError]:
    """Lint recipe and system files and folders against the systems of SYSTEMS_FOLDER/systems.

    Every problem of every file is listed, errors and warnings (``is_warning``). A system file of that
    folder reports its errors always (recipes depend on it) and its warnings when it is itself linted.
    """
    problems: list[RecipeError] = []
    files = _files(paths)
    linted = {f.resolve() for f in files}
    systems: dict[str, System] | None = None
    sys_dir = (systems_folder / "systems").resolve() if systems_folder is not None else None
    if systems_folder is not None:
        systems = {}
        for p in sorted((systems_folder / "systems").glob("*.yaml")):
            system, found = check_system(p)
            problems += [e for e in found if p.resolve() in linted or not is_warning(e)]
            if system is None:
                continue
            if system.id in systems:
                problems.append(RecipeError(f"system {system.id!r} is defined twice (also in "
                                            f"{systems[system.id].mark.path})", system.mark))
                continue
            systems[system.id] = system
    for f in files:
        if f.parent.name == "systems":
            if f.parent.resolve() != sys_dir:
                problems += check_system(f)[1]
            continue
        found = lint_recipe(f, systems)
        problems += found
        if not any(not is_warning(e) for e in found):
            problems += recipe_warnings(f, systems, systems_folder)
    return problems


def recipe_warnings(path: Path, systems: dict[str, System] | None,
                    folder: Path | None = None) -> list[RecipeError]:
    """Warnings about a recipe that loads: unchecked submits, and a recipe kept away from its id's place."""
    from clerkdesk.recipe.loader import load_recipe

    try:
        recipe = load_recipe(path, systems)
    except Exception:
        return []
    return submit_warnings(recipe) + place_warnings(recipe, path, folder)


def place_warnings(recipe: Recipe, path: Path, folder: Path | None) -> list[RecipeError]:
    """A fill reads only the file its recipe id names (``hrss.employment-registration`` →
    ``hrss/employment-registration.yaml``); a recipe kept elsewhere still works, found by reading every file."""
    from clerkdesk.recipe.catalog import expected_place

    if folder is None or path.resolve().parent.parent != folder.resolve():
        return []  # not in a recipes folder: there is no place to expect
    place = expected_place(recipe.id)
    if place is None or (path.parent.name, path.name) == place:
        return []
    return [LintWarning(f"recipe {recipe.id!r} is kept in {path.parent.name}/{path.name}, so every fill of it "
                        "reads all recipe files to find it.", recipe.mark,
                        f"Move the file to {place[0]}/{place[1]} (or rename the recipe to "
                        f"{path.parent.name}.{path.stem}) and a fill reads only this file.")]


def submit_warnings(recipe: Recipe) -> list[RecipeError]:
    """A submit whose answer nothing checks can never be confirmed: every run of it would end "uncertain"
    (the clerk checks the system by hand). Warn at the submit, naming what to add."""
    from clerkdesk.recipe.steps import Step

    order: list[Step] = []

    def walk(steps: tuple[Step, ...]) -> None:
        for st in steps:
            order.append(st)
            for kids in st.children.values():
                walk(kids)

    walk(recipe.steps)
    out: list[RecipeError] = []
    for i, st in enumerate(order):
        if not st.type.submits:
            continue
        later = order[i + 1:]
        nxt = next((j for j, x in enumerate(later) if x.type.submits), len(later))
        if not any(x.type.confirms for x in later[:nxt]):
            out.append(LintWarning("nothing after this submit checks the system's answer, so a run can never "
                                   "confirm it and every run ends 'uncertain' for the clerk to check.", st.mark,
                                   "Add an `expect` (e.g. {text: 受理成功}) or a `capture` of the receipt after it."))
    return out


def lint(paths: list[Path], fallback: Path | None) -> tuple[list[RecipeError], list[Path]]:
    """Lint PATHS, each against its own systems folder (``systems_folder_for``); also returns those folders."""
    groups: dict[Path | None, list[Path]] = {}
    for p in paths:
        groups.setdefault(systems_folder_for(p, fallback), []).append(p)
    problems: list[RecipeError] = []
    for folder, group in groups.items():
        problems += lint_paths(group, folder)
    return problems, [f / "systems" for f in groups if f is not None]
