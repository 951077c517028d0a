"""drf-spectacular post-processing shared by every API view."""

from typing import Any

ERROR_REF = {"$ref": "#/components/schemas/Error"}

PAGE_ERRORS = {
    "400": "Bad input: a page number that is not a whole number from 1, or a bad filter.",
    "404": "There is no such page.",
}


def document_page_errors(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """Every paginated list answers 400 for a bad page number and 404 past the end."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            parameters = operation.get("parameters", [])
            if not any(p.get("in") == "query" and p.get("name") == "page" for p in parameters):
                continue
            responses = operation.setdefault("responses", {})
            for code, description in PAGE_ERRORS.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": ERROR_REF}},
                    },
                )
    return result
