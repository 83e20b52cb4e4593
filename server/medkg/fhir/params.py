"""Operation parameters from a GET query string or a POSTed ``Parameters`` resource, and FHIR errors.

Every error is a ``FhirError``: the blueprint answers it as an ``OperationOutcome`` with its HTTP status, an issue
code from the FHIR ``IssueType`` value set and a readable text naming the parameter at fault.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from flask import Request

_CODE = re.compile(r"^[^\s]+( [^\s]+)*$")  # FHIR's code type
_LANGUAGE = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")  # BCP 47, as displayLanguage takes it


class FhirError(Exception):
    def __init__(self, status: int, code: str, text: str, expression: str | None = None) -> None:
        super().__init__(text)
        self.status, self.code, self.text, self.expression = status, code, text, expression

    def outcome(self) -> dict[str, Any]:
        issue: dict[str, Any] = {"severity": "error", "code": self.code, "diagnostics": self.text,
                                 "details": {"text": self.text}}
        if self.expression:
            issue["expression"] = [self.expression]
        return {"resourceType": "OperationOutcome", "issue": [issue]}


def invalid(name: str, text: str) -> FhirError:
    return FhirError(400, "invalid", f"parameter {name!r}: {text}", name)


@dataclass
class Params:
    """Named values: strings from a query string; strings, numbers, booleans or Codings from ``Parameters``."""

    values: dict[str, list[Any]]

    def one(self, name: str) -> Any | None:
        found = self.values.get(name, [])
        if len(found) > 1:
            raise invalid(name, "given more than once")
        return found[0] if found else None

    def text(self, name: str) -> str | None:
        value = self.one(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise invalid(name, "must be a string, code or uri")
        if not value.strip():
            raise invalid(name, "is empty")
        return value

    def code(self, name: str) -> str | None:
        value = self.text(name)
        if value is not None and not _CODE.match(value):
            raise invalid(name, f"{value!r} is not a FHIR code (no leading, trailing or double spaces)")
        return value

    def language(self, name: str) -> str | None:
        value = self.text(name)
        if value is not None and not _LANGUAGE.match(value):
            raise invalid(name, f"{value!r} is not a language tag (BCP 47, e.g. en or es)")
        return value.lower() if value else None

    def boolean(self, name: str, default: bool = False) -> bool:
        value = self.one(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value in ("true", "false"):
            return value == "true"
        raise invalid(name, f"{value!r} is not a boolean (true or false)")

    def integer(self, name: str, default: int, most: int | None = None) -> int:
        value = self.one(name)
        if value is None:
            return default
        if isinstance(value, str) and re.fullmatch(r"\d{1,9}", value):
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise invalid(name, f"{value!r} is not a non-negative integer")
        return min(value, most) if most is not None else value

    def coding(self, name: str) -> dict[str, Any] | None:
        value = self.one(name)
        if value is not None and not isinstance(value, dict):
            raise invalid(name, "must be a Coding ({system, code, display}); in a query string use system and code")
        return value


def from_request(request: Request) -> Params:
    """GET: the query string. POST: a ``Parameters`` resource (JSON), or a form, with the query string too.
    Without ``displayLanguage``, the ``Accept-Language`` header's first choice stands for it (as FHIR says)."""
    values: dict[str, list[Any]] = {k: request.args.getlist(k) for k in request.args if not k.startswith("_")}
    if request.method == "POST":
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for key in request.form:
                values.setdefault(key, []).extend(request.form.getlist(key))
        else:
            for key, value in _parameters(request.get_data(as_text=True)):
                values.setdefault(key, []).append(value)
    preferred = request.accept_languages.best
    if "displayLanguage" not in values and preferred and _LANGUAGE.match(preferred):
        values["displayLanguage"] = [preferred]
    return Params(values)


def _parameters(body: str) -> list[tuple[str, Any]]:
    try:
        resource = json.loads(body) if body.strip() else {"resourceType": "Parameters"}
    except ValueError as exc:
        raise FhirError(400, "structure", f"the request body is not JSON: {exc}") from exc
    if not isinstance(resource, dict) or resource.get("resourceType") != "Parameters":
        raise FhirError(400, "structure", "the request body must be a FHIR Parameters resource")
    found = []
    for item in resource.get("parameter", []):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise FhirError(400, "structure", "every Parameters.parameter needs a name")
        values = [v for k, v in item.items() if k.startswith("value") or k == "resource"]
        if len(values) != 1:
            raise invalid(item["name"], "needs exactly one value[x] (parts are not taken here)")
        found.append((item["name"], values[0]))
    return found
