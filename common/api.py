"""API plumbing shared by every app: one error format and pagination."""

import copy
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from common.exceptions import ApplicationError

if TYPE_CHECKING:
    from profiles.models import User


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    invalid_page_message = "There is no page {page_number}: {message}"

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        # A page number that is not a whole number from 1 is bad input (400); a page
        # past the end is a missing resource (404). common.schema documents both.
        page = request.query_params.get(self.page_query_param)
        if page is not None and page != "last" and not (page.isdigit() and int(page) >= 1):
            raise serializers.ValidationError(
                {self.page_query_param: ["A page number is a whole number from 1."]},
                code="invalid_page",
            )
        return super().paginate_queryset(queryset, request, view)


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    # The metaclass moves declared fields aside, so this does not shadow Serializer.fields.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Per-field messages, for validation errors.",
    )
    retry_after = serializers.IntegerField(
        required=False,
        help_text="Seconds until you may try again (a 429 limit, or a 409 cool-off).",
    )
    resets_at = serializers.DateTimeField(
        required=False, help_text="When the limit resets (429 for weekly and monthly limits)."
    )


class ErrorSerializer(serializers.Serializer):
    """The body of every 4xx response."""

    error = ErrorDetailSerializer()


def _flatten(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub_key, sub_value in _flatten(value).items():
                    out[f"{key}.{sub_key}"] = sub_value
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                for index, item in enumerate(value):
                    for sub_key, sub_value in _flatten(item).items():
                        out[f"{key}[{index}].{sub_key}"] = sub_value
            elif isinstance(value, list):
                out[key] = [str(v) for v in value]
            else:
                out[key] = [str(value)]
        return out
    if isinstance(detail, list):
        return {"non_field_errors": [str(v) for v in detail]}
    return {"non_field_errors": [str(detail)]}


def error_response(*, code: str, message: str, http_status: int, **extra: Any) -> Response:
    body: dict[str, Any] = {"code": code, "message": message}
    body.update({k: v for k, v in extra.items() if v is not None})
    return Response({"error": body}, status=http_status)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render every API error as {"error": {"code", "message", ...}}."""
    if isinstance(exc, ApplicationError):
        return error_response(
            code=exc.code, message=exc.message, http_status=exc.status, **exc.extra
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response

    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "error": {
                "code": "invalid",
                "message": "The request has invalid fields.",
                "fields": _flatten(exc.detail),
            }
        }
        return response

    detail = exc.detail
    message = str(detail if not isinstance(detail, (list, dict)) else exc.default_detail)
    body: dict[str, Any] = {
        "code": exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code,
        "message": message,
    }
    wait = getattr(exc, "wait", None) if isinstance(exc, exceptions.Throttled) else None
    if wait is not None:
        body["retry_after"] = int(wait + 0.999)
    response.data = {"error": body}
    if response.status_code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = 'Token realm="api"'
    return response


def not_found_view(request: Any, exception: Exception | None = None) -> Any:
    """Django's 404 handler: JSON in the API's error format under /api/, the HTML page elsewhere."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path_info.startswith("/api/"):
        return JsonResponse({"error": {"code": "not_found", "message": "Not found."}}, status=404)
    return page_not_found(request, exception or Http404())


def _database_unreachable(exc: BaseException | None) -> bool:
    from django.db import InterfaceError, OperationalError

    return isinstance(exc, (OperationalError, InterfaceError))


UNAVAILABLE_RETRY_AFTER = 5


def server_error_view(request: Any) -> Any:
    """Django's 500 handler. When the database cannot be reached (a restart, a failover)
    the answer is a 503 with Retry-After: nothing was done, try again in a moment.
    Anything else is a 500. JSON in the API's error format under /api/, a page elsewhere."""
    import sys

    from django.http import JsonResponse
    from django.template import loader

    unavailable = _database_unreachable(sys.exc_info()[1])
    code, status_code, message = (
        ("unavailable", 503, "LinkUp is briefly unavailable; nothing was changed. Try again.")
        if unavailable
        else ("server_error", 500, "Something went wrong on our side; nothing was changed.")
    )
    if request.path_info.startswith("/api/"):
        body: dict[str, Any] = {"code": code, "message": message}
        if unavailable:
            body["retry_after"] = UNAVAILABLE_RETRY_AFTER
        response: Any = JsonResponse({"error": body}, status=status_code)
    else:
        # A page that needs no database (no user, no context processors).
        html = loader.get_template("error.html").render({"message": message, "status": status_code})
        from django.http import HttpResponse

        response = HttpResponse(html, status=status_code)
    if unavailable:
        response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER)
    return response


# -- shared by every app's API views -------------------------------------------------

ERROR_DESCRIPTIONS = {
    400: "Invalid input; `fields` names each invalid or unknown field.",
    401: "No token, or an invalid, expired or revoked one.",
    403: "You take part in this, but your role does not allow the action.",
    404: "Nothing there, or nothing you may see (the two look the same).",
    409: "The action conflicts with the current state; nothing changed.",
    415: "Unsupported content type.",
    429: (
        "A limit is reached: `retry_after` says in how many seconds to retry (and"
        " `resets_at` when, for weekly and monthly limits). Nothing was created."
    ),
}


def error_responses(
    *codes: int, descriptions: dict[int, str] | None = None
) -> dict[int, OpenApiResponse]:
    """drf-spectacular responses for these 4xx codes, all in the one error format."""
    texts = {**ERROR_DESCRIPTIONS, **(descriptions or {})}
    return {code: OpenApiResponse(ErrorSerializer, description=texts[code]) for code in codes}


def request_member(request: Request) -> "User":
    from profiles.models import User

    user = request.user
    assert isinstance(user, User)  # guaranteed by IsAuthenticated
    return user


def paginate(view: APIView, request: Request, rows: Any) -> tuple[Pagination, list[Any]]:
    """One page of `rows` for a list endpoint, and the paginator that renders it."""
    paginator = Pagination()
    page = paginator.paginate_queryset(rows, request, view=view)
    return paginator, list(page or [])


class PaginatedApi(APIView):
    # Lets drf-spectacular document list responses as pages (count, next, previous, results).
    pagination_class = Pagination
    # A list endpoint whose POST creates something throttled per minute (ScopedRateThrottle):
    # only creating is limited, reading the list is not.
    post_throttle_scope: str | None = None

    @property
    def throttle_scope(self) -> str | None:
        request = getattr(self, "request", None)
        if self.post_throttle_scope and request is not None and request.method == "POST":
            return self.post_throttle_scope
        return None


class OutputSerializer(serializers.Serializer):
    # A serializer that renders and never validates. DRF deep-copies every declared field
    # for each serializer it makes (a field is bound to its serializer); for a page of
    # results that copying was a tenth of a web worker's time under load
    # (docs/benchmarks.md). A plain field is copied shallowly here, which binding needs:
    # its own name, parent and source. A field holding others (a nested serializer, a
    # ListField's child) is deep-copied as DRF does, since binding reaches into them.
    # (A comment, not a docstring: drf-spectacular would copy a docstring into every
    # subclass's schema.)

    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            name: copy.deepcopy(field) if _holds_fields(field) else copy.copy(field)
            for name, field in self._declared_fields.items()
        }


def _holds_fields(field: serializers.Field) -> bool:
    return isinstance(field, serializers.BaseSerializer) or any(
        hasattr(field, attr) for attr in ("child", "child_relation")
    )


class StrictInputSerializer(serializers.Serializer):
    # Answers 400 for keys it does not declare. Silently dropping them would
    # let a client believe it changed `is_staff` or `username`; naming them is
    # clearer and changes nothing either way. (A comment, not a docstring:
    # drf-spectacular would copy a docstring into every subclass's schema.)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            allowed = {field.field_name for field in self._writable_fields}
            unknown = sorted(str(key) for key in data if key not in allowed)
            if unknown:
                raise serializers.ValidationError(
                    {key: ["Unknown field: it cannot be set here."] for key in unknown},
                    code="unknown_field",
                )
        return super().to_internal_value(data)


@contextmanager
def service_404s_as_one() -> Iterator[None]:
    """Services say "No such member/request/introduction" in their own words; the API
    answers every 404 with one body, so a hidden thing and a missing one look the same."""
    try:
        yield
    except ApplicationError as exc:
        if exc.status == status.HTTP_404_NOT_FOUND:
            raise exceptions.NotFound() from None
        raise


def visible_member_or_404(viewer: "User", handle: str) -> "User":
    """The member behind `handle` (with their profile), as visible_members_or_404 says."""
    key = handle.strip().lower()
    return visible_members_or_404(viewer, [key])[key]


def visible_members_or_404(viewer: "User", handles: Iterable[str]) -> dict[str, "User"]:
    """The members behind `handles` (lower-cased), in one query; 404 if any is missing or
    hidden from the viewer: suspended, deactivated, without a profile, or blocked either way."""
    from profiles.selectors import visible_members_by_handle

    wanted = {handle.strip().lower() for handle in handles}
    if not wanted:
        return {}
    found = visible_members_by_handle(viewer.pk, sorted(wanted))
    if set(found) != wanted:
        raise exceptions.NotFound()
    return found
