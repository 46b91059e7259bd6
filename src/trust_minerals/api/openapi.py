"""The OpenAPI document of the API: FastAPI's, written once per schema and without repetition.

FastAPI's document states every rule the server enforces, but it writes some of them many times
over, which made the document ~215 KB and the reference pages slow to draw (ReDoc builds a model of
every schema it meets, one per occurrence). :func:`compact_openapi` rewrites it without changing
what it allows or says:

* the plan upload's body (:class:`~trust_minerals.api.bodies_plans.PlanBody`, one schema under two
  media types) is a ``$ref`` to ``components/schemas`` with its parts, not inlined twice;
* an error response documents its schema under the media type the server sends
  (``application/problem+json``), not also under ``application/json``; each error response is
  written once, in ``components/responses``, and referenced by every operation that can give it;
* a nullable value ``anyOf: [{type: T, ...}, {type: "null"}]`` is written ``type: [T, "null"]``
  (OpenAPI 3.1, the same JSON Schema), which the reference pages show with its limits (length,
  pattern, range) instead of behind a "one of" switch;
* a parameter's description is not repeated inside its schema, and a property's or parameter's
  title is dropped where it only repeats its name (``include_potential`` → "Include Potential").
"""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from pydantic import TypeAdapter

PROBLEM_MEDIA_TYPE = "application/problem+json"
#: JSON Schema types that may carry ``"null"`` in a type list
_SIMPLE_TYPES = frozenset({"string", "number", "integer", "boolean", "array", "object"})
_SCHEMA_REF = "#/components/schemas/{model}"


def body_ref(model: Any) -> dict[str, str]:
    """A ``$ref`` to ``model``'s schema in ``components/schemas`` (added by :func:`install`)."""
    return {"$ref": _SCHEMA_REF.format(model=model.__name__)}


def add_model_schemas(doc: dict[str, Any], model: Any) -> None:
    """Add ``model``'s JSON schema and the schemas it refers to under ``components/schemas``.

    Raises
    ------
    ValueError
        If a name is already there with a different schema (two models of one name).
    """
    schema = TypeAdapter(model).json_schema(ref_template=_SCHEMA_REF)
    defs = {**schema.pop("$defs", {}), model.__name__: schema}
    target = doc.setdefault("components", {}).setdefault("schemas", {})
    for name, definition in defs.items():
        if name in target and target[name] != definition:
            raise ValueError(f"two schemas named {name!r} in the OpenAPI document")
        target[name] = definition


def _auto_title(name: str) -> str:
    """The title pydantic and FastAPI derive from a field or parameter name."""
    return name.replace("_", " ").title()


def _fold_nullable(node: Any) -> Any:
    """``node`` with every ``anyOf: [{type: T, ...}, {type: "null"}]`` written ``type: [T, "null"]``
    (only where the branch has a single simple type, no ``$ref``/``enum``/``const`` and no keyword
    in common with the outer schema, so that the two forms allow exactly the same values)."""
    if isinstance(node, list):
        return [_fold_nullable(v) for v in node]
    if not isinstance(node, dict):
        return node
    node = {k: _fold_nullable(v) for k, v in node.items()}
    branches = node.get("anyOf")
    if not (isinstance(branches, list) and len(branches) == 2 and {"type": "null"} in branches):
        return node
    other = branches[0] if branches[1] == {"type": "null"} else branches[1]
    outer = {k: v for k, v in node.items() if k != "anyOf"}
    if (
        not isinstance(other, dict)
        or other.get("type") not in _SIMPLE_TYPES
        or {"$ref", "enum", "const"} & other.keys()
        or set(other) & set(outer)
    ):
        return node
    return {**other, "type": [other["type"], "null"], **outer}


def _drop_auto_titles(schema: Any) -> None:
    """Remove, in place, the titles of ``schema``'s properties that only repeat their names."""
    if isinstance(schema, list):
        for v in schema:
            _drop_auto_titles(v)
        return
    if not isinstance(schema, dict):
        return
    for name, prop in (schema.get("properties") or {}).items():
        if isinstance(prop, dict) and prop.get("title") == _auto_title(name):
            del prop["title"]
    for v in schema.values():
        _drop_auto_titles(v)


def _compact_parameter(parameter: dict[str, Any]) -> None:
    schema = parameter.get("schema")
    if not isinstance(schema, dict):
        return
    if "description" in parameter and schema.get("description") == parameter["description"]:
        del schema["description"]
    if schema.get("title") == _auto_title(str(parameter.get("name", ""))):
        del schema["title"]


def _problem_response(response: dict[str, Any]) -> dict[str, Any]:
    """``response`` with its problem schema under ``application/problem+json`` alone."""
    content = response.get("content") or {}
    if PROBLEM_MEDIA_TYPE not in content:
        return response
    schema = content[PROBLEM_MEDIA_TYPE].get("schema") or content.get("application/json", {}).get(
        "schema"
    )
    media = {**content[PROBLEM_MEDIA_TYPE], **({"schema": schema} if schema else {})}
    return {**response, "content": {PROBLEM_MEDIA_TYPE: media}}


def _share_problem_responses(doc: dict[str, Any]) -> None:
    """Write each distinct error response once in ``components/responses``; operations refer to it."""
    shared = doc.setdefault("components", {}).setdefault("responses", {})
    names: dict[str, str] = {}
    for operation in _operations(doc):
        for status, response in operation.get("responses", {}).items():
            if PROBLEM_MEDIA_TYPE not in response.get("content", {}):
                continue
            response = _problem_response(response)
            key = json.dumps(response, sort_keys=True)
            if key not in names:
                base = "".join(w.capitalize() for w in HTTPStatus(int(status)).phrase.split())
                name, n = base, 1
                while name in shared:
                    n += 1
                    name = f"{base}{n}"
                shared[name] = response
                names[key] = name
            operation["responses"][status] = {"$ref": f"#/components/responses/{names[key]}"}


def _operations(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [op for item in doc.get("paths", {}).values() for op in item.values()]


def compact_openapi(doc: dict[str, Any], body_models: tuple[Any, ...] = ()) -> dict[str, Any]:
    """``doc`` (FastAPI's document) rewritten as described in the module docstring.

    Parameters
    ----------
    doc : dict
        The OpenAPI document; it is not modified.
    body_models : tuple of pydantic models
        Models that operations refer to with :func:`body_ref` (bodies read by hand); their schemas
        are added to ``components/schemas``.
    """
    doc = json.loads(json.dumps(doc))  # a deep copy of plain JSON values
    for model in body_models:
        add_model_schemas(doc, model)
    for operation in _operations(doc):
        for parameter in operation.get("parameters", []):
            _compact_parameter(parameter)
    _share_problem_responses(doc)
    _drop_auto_titles(doc.get("components", {}).get("schemas", {}))
    doc["paths"] = _fold_nullable(doc["paths"])
    doc["components"] = _fold_nullable(doc["components"])
    return doc


def install(app: FastAPI, body_models: Callable[[], tuple[Any, ...]] = tuple) -> None:
    """Make ``app.openapi`` return the compact form of FastAPI's document (built once).

    ``body_models`` gives the models of bodies read by hand (see :func:`compact_openapi`); it is
    called when the document is first built.
    """
    built: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        if not built:
            app.openapi_schema = None
            built.append(compact_openapi(FastAPI.openapi(app), body_models()))
            app.openapi_schema = built[0]
        return built[0]

    app.openapi = openapi  # type: ignore[method-assign]
