"""Content-Security-Policy pieces that need code: the API docs page.

The site's policy (linkup/settings/base.py CONTENT_SECURITY_POLICY) allows scripts and
style sheets from our own origin only. drf-spectacular's Swagger UI page loads its
scripts from files (the "split" view serves the start-up script from its own URL) but
keeps one small inline <style> block; this view allows exactly that block by its hash,
computed from the page it rendered, rather than allowing inline styles.
"""

import base64
import hashlib
import re
from typing import Any

from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.request import Request
from rest_framework.response import Response

STYLE_BLOCK = re.compile(rb"<style[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)


def style_hashes(html: bytes) -> list[str]:
    """CSP source expressions ('sha256-…') for each inline <style> block in `html`."""
    return [
        f"'sha256-{base64.b64encode(hashlib.sha256(block).digest()).decode()}'"
        for block in STYLE_BLOCK.findall(html)
    ]


class SwaggerDocsView(SpectacularSwaggerSplitView):
    def finalize_response(
        self, request: Request, response: Any, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)

        def allow_inline_styles(rendered: Any) -> None:
            hashes = style_hashes(rendered.content)
            if hashes:
                # django-csp adds these to the site's style-src for this response only.
                rendered._csp_update = {"style-src": hashes}

        if hasattr(response, "add_post_render_callback"):
            response.add_post_render_callback(allow_inline_styles)
        return response
