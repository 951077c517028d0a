from urllib.parse import urlsplit

from django import template

from developers.scopes import Scope, describe

register = template.Library()


@register.filter
def scope_list(names: list[str] | str) -> list[Scope]:
    """The scopes named in a list or a space-separated string, explained."""
    return describe(names)


@register.filter
def uri_host(uri: str | None) -> str:
    """The host a redirect URI sends the member back to (what they should recognise)."""
    return urlsplit(uri or "").hostname or ""
