"""All recipes and systems of a recipes folder, and matters (single or bundles, 一件事) a clerk can start."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from clerkdesk.errors import RecipeError
from clerkdesk.recipe.ids import recipe_id_problem
from clerkdesk.recipe.lint import lint_paths
from clerkdesk.recipe.loader import load_recipe
from clerkdesk.recipe.model import Recipe
from clerkdesk.recipe.systems import System, load_system
from clerkdesk.recipe.yamlsrc import load


@dataclass(frozen=True)
class Matter:
    """What the clerk picks: one recipe, or a bundle of recipes across systems (一件事)."""

    id: str
    title: str
    recipes: tuple[str, ...]
    en: str = ""  # the title in the English UI (a recipe's or a bundle's ``en:``; "" = the Chinese there too)


class Catalog:
    """The recipes folder, read as little as a task needs.

    Systems (small, shared by every recipe) are read at once. A recipe file is read when it is asked for:
    ``get("hrss.employment-registration")`` reads ``hrss/employment-registration.yaml`` only, so a fill reads
    the recipes it fills and nothing else (a huge or broken file elsewhere costs nothing). Listing every matter
    (the app's matter list, ``recipe list``, lint) reads them all. A recipe whose id does not match its file's
    place is still found — by reading the rest — and lint suggests moving it.
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        if not (self.folder / "systems").is_dir():
            from clerkdesk.errors import ConfigError

            raise ConfigError(f"no recipes at {self.folder} (no systems/ folder there): set CLERKDESK_RECIPES to the "
                              "published recipes folder (see packaging/README.md)")
        # One bad file costs only its own recipes: the others still fill, and `recipe lint` lists the errors.
        self._broken: list[RecipeError] = []
        self.systems: dict[str, System] = {}
        for p in sorted((self.folder / "systems").glob("*.yaml")):
            try:
                s = load_system(p)
            except RecipeError as e:
                self._broken.append(e)
                continue
            if s.id in self.systems:
                self._broken.append(RecipeError(f"system {s.id!r} is defined twice (also in "
                                                f"{self.systems[s.id].mark.path})", s.mark))
                continue
            self.systems[s.id] = s
        self._loaded: dict[Path, Recipe | None] = {}  # each file read once (None: it could not be loaded)
        self._recipes: dict[str, Recipe] | None = None
        self._matters: dict[str, Matter] | None = None
        self.files_read = 0  # recipe files read so far (tests and `--verbose` show a fill reads only its own)

    def _read(self, p: Path) -> Recipe | None:
        if p not in self._loaded:
            if not p.exists():
                return None
            self.files_read += 1
            if not p.is_file():  # a pipe or a device would block or never end: never opened
                self._broken.append(RecipeError(f"{p} is not a regular file: a recipe is a .yaml file"))
                self._loaded[p] = None
                return None
            try:
                self._loaded[p] = load_recipe(p, self.systems)
            except RecipeError as e:
                self._broken.append(e)
                self._loaded[p] = None
        return self._loaded[p]

    @property
    def recipes(self) -> dict[str, Recipe]:
        """Every recipe of the folder (reads every file once)."""
        if self._recipes is None:
            recipes: dict[str, Recipe] = {}
            for p in recipe_files(self.folder):
                r = self._read(p)
                if r is None:
                    continue
                if r.id in recipes:
                    self._broken.append(RecipeError(f"recipe {r.id!r} is defined twice (also in "
                                                    f"{recipes[r.id].path})", r.mark))
                    continue
                recipes[r.id] = r
            self._recipes = recipes
        return self._recipes

    @property
    def broken(self) -> list[RecipeError]:
        """What could not be loaded among the files read so far (all of them once ``recipes`` was asked)."""
        return self._broken

    @property
    def matters(self) -> dict[str, Matter]:
        """Every matter a clerk can start: each recipe, and the bundles (一件事) of bundles.yaml."""
        if self._matters is None:
            matters = {r.id: Matter(r.id, r.title, (r.id,), r.en) for r in self.recipes.values()}
            bundles = self.folder / "bundles.yaml"
            if bundles.exists():
                src = load(bundles)
                for el in src.elements() if src.is_seq else []:
                    d = el.plain()
                    unknown = [rid for rid in d.get("recipes", []) if rid not in self.recipes]
                    if unknown:
                        self._broken.append(RecipeError(f"bundle {d.get('id')!r} names unknown recipe "
                                                        f"{unknown[0]!r}", el.mark))
                        continue
                    en = d.get("en")
                    if en is not None and (not isinstance(en, str) or not en.strip()):
                        self._broken.append(RecipeError(f"bundle {d.get('id')!r}: en is the English title, one "
                                                        "line of text", el.mark))
                        en = ""
                    matters[str(d["id"])] = Matter(str(d["id"]), str(d["title"]), tuple(d["recipes"]),
                                                   str(en or "").strip())
            self._matters = matters
        return self._matters

    def get(self, recipe_id: str) -> Recipe:
        """The recipe RECIPE_ID, reading only its own file when it sits where its id says (``system/name.yaml``)."""
        if self._recipes is None:
            r = self._read(self.folder.joinpath(*expected_place(recipe_id))) if expected_place(recipe_id) else None
            if r is not None and r.id == recipe_id:
                return r
        if recipe_id not in self.recipes:
            from clerkdesk.records.model import suggest

            broken = (f" {len(self.broken)} file(s) there could not be loaded (clerkdesk recipe lint lists "
                      f"every problem); the first: {self.broken[0]}") if self.broken else ""
            raise RecipeError(f"no recipe {recipe_id!r} in {self.folder}." + suggest(recipe_id, list(self.recipes))
                              + broken)
        return self.recipes[recipe_id]


def expected_place(recipe_id: str) -> tuple[str, str] | None:
    """Where the recipe RECIPE_ID is expected: ``hrss.employment-registration`` → ``hrss/employment-registration.yaml``
    (None for an id that names no place: it is then found by reading every file)."""
    if recipe_id_problem(recipe_id) is not None:
        return None  # never a path from a name that is not an id
    system, dot, name = recipe_id.partition(".")
    return (system, f"{name}.yaml") if dot else None


def recipe_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*/*.yaml") if p.parent.name != "systems")


__all__ = ["Catalog", "Matter", "expected_place", "lint_paths", "recipe_files"]
