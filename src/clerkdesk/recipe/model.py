"""A loaded recipe: how to enter one matter into one target system."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from clerkdesk.errors import Mark
from clerkdesk.recipe.steps import Step


@dataclass(frozen=True)
class CaseField:
    """A case-specific field a recipe asks for (``case.employer``), with its label for the capture form."""

    name: str
    zh: str
    kind: str = "text"  # text | date | number | bool | list | choice:A|B | multi:A|B | code:<table>
    required: bool = True
    min: float | None = None  # number: the smallest value accepted (checked when the plan is made)
    max: float | None = None  # number: the largest
    maxlength: int | None = None  # text: the longest value (the target form's maxlength); default 2,000
    en: str = ""  # its label in the English UI ("" = the Chinese one is shown there too)
    en_choices: tuple[tuple[str, str], ...] = ()  # a choice:/multi: option → its words in the English UI

    @property
    def options(self) -> tuple[str, ...]:
        """The options of a ``choice:A|B`` or ``multi:A|B`` field, as written (the values the record gets)."""
        head, _, rest = self.kind.partition(":")
        return tuple(rest.split("|")) if head in ("choice", "multi") and rest else ()

    def option_words(self, option: str, lang: str) -> str:
        """OPTION as the UI in LANG shows it: its ``en_choices`` words in English where given, else as written."""
        return in_language(option, dict(self.en_choices).get(option, ""), lang)


@dataclass(frozen=True)
class Recipe:
    id: str
    title: str
    system: str
    applicant: str  # person | enterprise
    needs: tuple[str, ...]  # canonical fields the recipe reads (declared ∪ referenced)
    fields: dict[str, CaseField]
    steps: tuple[Step, ...]
    path: Path
    mark: Mark
    description: str = ""
    optional: frozenset[str] = field(default_factory=frozenset)  # needs only read inside `when`
    query: str = ""  # the system's page where a submit can be looked up: shown when the clerk settles an
    #                  uncertain submit (a path resolved like `open`, or the window title on a desktop system)
    en: str = ""  # the title in the English UI ("" = the Chinese title is shown there too)

    def walk(self) -> list[Step]:
        """Every step, nested ones included, in order."""
        out: list[Step] = []

        def go(steps: tuple[Step, ...]) -> None:
            for s in steps:
                out.append(s)
                for kids in s.children.values():
                    go(kids)

        go(self.steps)
        return out


def in_language(zh: str, en: str, lang: str) -> str:
    """A recipe's, system's, bundle's or case field's name in LANG: its ``en:`` label in English where it has
    one, else the Chinese (the name the target system itself shows)."""
    return en if lang == "en" and en else zh
