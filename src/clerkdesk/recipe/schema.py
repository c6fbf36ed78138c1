"""JSON Schema for recipe files, built from the step registry (so it can't drift from the code)."""

from __future__ import annotations

from typing import Any

from clerkdesk.recipe.steps import COMMON, CONDITION_KEYS, LOCATOR_KEYS, STEPS, Param

LOCATOR_PROPS: dict[str, Any] = {
    "label": {"type": "string", "description": "visible label text of the field"},
    "role": {"type": "string", "description": "ARIA role, with name"},
    "name": {"type": "string", "description": "accessible name (with role)"},
    "placeholder": {"type": "string"}, "text": {"type": "string", "description": "visible text"},
    "css": {"type": "string"}, "xpath": {"type": "string"},
    "image": {"type": "string", "description": "desktop: a template image file"},
    "nth": {"type": "integer", "minimum": 0}, "exact": {"type": "boolean"},
    "within": {"type": "string", "description": "web: container css; desktop: x0,y0,x1,y1 fractions"},
    "offset": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2},
    "row": {"type": "string", "description": "web: the table row / list item with an element of exactly this text"},
}


def _param(p: Param) -> dict[str, Any]:
    t = p.type
    if t in ("text", "value"):
        out: dict[str, Any] = {"type": "string"}
    elif t == "values":
        out = {"oneOf": [{"type": ["string", "number"]},
                         {"type": "array", "items": {"type": ["string", "number"]}, "minItems": 1}]}
    elif t == "bool":
        out = {"type": ["boolean", "string"]}
    elif t == "number":
        out = {"type": "number"}
    elif t == "int":
        out = {"type": "integer"}
    elif t == "locator":
        out = {"$ref": "#/$defs/locator"}
    elif t == "condition":
        out = {"$ref": "#/$defs/condition"}
    elif t == "steps":
        out = {"$ref": "#/$defs/steps"}
    else:
        out = {}
    if p.doc:
        out["description"] = p.doc
    return out


def recipe_schema() -> dict[str, Any]:
    step_defs: list[dict[str, Any]] = []
    for name, st in sorted(STEPS.items()):
        props: dict[str, Any] = {k: _param(p) for k, p in st.params.items()}
        props.update({k: _param(Param(t)) for k, t in COMMON.items()})
        if st.locator:
            props.update({k: v for k, v in LOCATOR_PROPS.items() if k not in props})
        if st.condition:
            props.update({"text": {"type": "string"}, "element": {"$ref": "#/$defs/locator"},
                          "url": {"type": "string"}, "window": {"type": "string"}, "gone": {"type": "boolean"}})
        body: dict[str, Any]
        if st.entries:
            body = {"type": "object", "additionalProperties": {"oneOf": [
                {"type": "string"},
                {"type": "object", "properties": {"after": {"type": "string"}, "pattern": {"type": "string"},
                                                  "element": {"$ref": "#/$defs/locator"}},
                 "additionalProperties": False}]}}
        else:
            obj = {"type": "object", "properties": props, "additionalProperties": False,
                   "required": [k for k, p in st.params.items() if p.required]}
            body = {"oneOf": [{"type": "string"}, obj]} if st.scalar else obj
        step_defs.append({"type": "object", "description": st.doc, "properties": {name: body}, "required": [name],
                          "additionalProperties": False})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://clerkdesk.example/recipe.schema.json",
        "title": "ClerkDesk fill recipe",
        "type": "object",
        "required": ["recipe", "title", "system", "steps"],
        "additionalProperties": False,
        "properties": {
            "recipe": {"type": "string", "description": "unique id, e.g. hrss.employment-registration"},
            "title": {"type": "string"}, "system": {"type": "string", "description": "id of a recipes/systems file"},
            "en": {"type": "string", "description": "the title in the English UI (the Chinese one when absent)"},
            "applicant": {"enum": ["person", "enterprise"]}, "description": {"type": "string"},
            "query": {"type": "string", "description": "the system's page where a submit can be looked up (opened "
                      "for the clerk when a submit's outcome is uncertain), e.g. /person/query"},
            "needs": {"type": "array", "items": {"type": "string"}},
            "fields": {"type": "object", "additionalProperties": {"oneOf": [
                {"type": "string"}, {"type": "object", "properties": {
                    "zh": {"type": "string"}, "en": {"type": "string"}, "kind": {"type": "string"},
                    "type": {"type": "string"},
                    "required": {"type": "boolean"}, "min": {"type": "number"}, "max": {"type": "number"},
                    "maxlength": {"type": "integer"}}}]}},
            "steps": {"$ref": "#/$defs/steps"},
        },
        "$defs": {
            "steps": {"type": "array", "items": {"oneOf": step_defs}},
            "locator": {"type": "object", "properties": LOCATOR_PROPS, "additionalProperties": False},
            "condition": {"oneOf": [{"type": "string"}, {"type": "object", "properties": {
                "text": {"type": "string"}, "element": {"$ref": "#/$defs/locator"}, "url": {"type": "string"},
                "window": {"type": "string"}, "gone": {"type": "boolean"}}, "additionalProperties": False}]},
        },
    }


assert set(LOCATOR_PROPS) == set(LOCATOR_KEYS) and CONDITION_KEYS
