"""All recipes and systems of a recipes folder, and matters (single or bundles, 一件事) a clerk can start."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from clerkdesk.errors import RecipeError
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


class Catalog:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        if not (self.folder / "systems").is_dir():
            from clerkdesk.errors import ConfigError

            raise ConfigError(f"no recipes at {self.folder} (no systems/ folder there): set CLERKDESK_RECIPES to the "
                              "published recipes folder (see packaging/README.md)")
        # One bad file costs only its own recipes: the others still fill, and `recipe lint` lists the errors.
        self.broken: list[RecipeError] = []
        self.systems: dict[str, System] = {}
        for p in sorted((self.folder / "systems").glob("*.yaml")):
            try:
                s = load_system(p)
            except RecipeError as e:
                self.broken.append(e)
                continue
            if s.id in self.systems:
                self.broken.append(RecipeError(f"system {s.id!r} is defined twice (also in "
                                               f"{self.systems[s.id].mark.path})", s.mark))
                continue
            self.systems[s.id] = s
        self.recipes: dict[str, Recipe] = {}
        for p in recipe_files(self.folder):
            try:
                r = load_recipe(p, self.systems)
            except RecipeError as e:
                self.broken.append(e)
                continue
            if r.id in self.recipes:
                self.broken.append(RecipeError(f"recipe {r.id!r} is defined twice (also in "
                                               f"{self.recipes[r.id].path})", r.mark))
                continue
            self.recipes[r.id] = r
        self.matters: dict[str, Matter] = {r.id: Matter(r.id, r.title, (r.id,)) for r in self.recipes.values()}
        bundles = self.folder / "bundles.yaml"
        if bundles.exists():
            src = load(bundles)
            for el in src.elements() if src.is_seq else []:
                d = el.plain()
                unknown = [rid for rid in d.get("recipes", []) if rid not in self.recipes]
                if unknown:
                    self.broken.append(RecipeError(f"bundle {d.get('id')!r} names unknown recipe {unknown[0]!r}",
                                                   el.mark))
                    continue
                self.matters[str(d["id"])] = Matter(str(d["id"]), str(d["title"]), tuple(d["recipes"]))

    def get(self, recipe_id: str) -> Recipe:
        if recipe_id not in self.recipes:
            from clerkdesk.records.model import suggest

            broken = (f" {len(self.broken)} file(s) there could not be loaded (clerkdesk recipe lint lists "
                      f"every problem); the first: {self.broken[0]}") if self.broken else ""
            raise RecipeError(f"no recipe {recipe_id!r} in {self.folder}." + suggest(recipe_id, list(self.recipes))
                              + broken)
        return self.recipes[recipe_id]


def recipe_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*/*.yaml") if p.parent.name != "systems")


__all__ = ["Catalog", "Matter", "lint_paths", "recipe_files"]
