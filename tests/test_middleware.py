"""common.middleware: django-csp's policy built once for the site; messages for pages only."""

from csp.utils import build_policy


def test_pages_and_the_api_carry_the_sites_policy(client, api_as, alice):
    expected = build_policy()
    assert "frame-ancestors 'none'" in expected
    assert client.get("/")["Content-Security-Policy"] == expected
    assert api_as(alice).get("/api/v1/network/")["Content-Security-Policy"] == expected


def test_a_changed_policy_is_heeded_at_once(client, settings, db):
    client.get("/")
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert client.get("/")["Content-Security-Policy"] == "default-src 'none'"


def test_a_response_with_its_own_policy_is_built_as_django_csp_builds_it(client, db):
    # The API docs page allows its one inline <style> block by hash (common.csp).
    policy = client.get("/api/docs/")["Content-Security-Policy"]
    assert "'sha256-" in policy
    assert client.get("/")["Content-Security-Policy"] == build_policy()  # not kept


def test_message_storage_is_set_up_for_pages_only(rf):
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.http import HttpResponse

    from common.middleware import MessageMiddleware

    middleware = MessageMiddleware(lambda request: HttpResponse())
    for path, expected in [("/network/", True), ("/api/v1/network/", False)]:
        request = rf.get(path)
        SessionMiddleware(lambda request: HttpResponse()).process_request(request)
        middleware(request)
        assert hasattr(request, "_messages") is expected, path
