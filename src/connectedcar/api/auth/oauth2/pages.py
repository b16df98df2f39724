"""The HTML of the sign-in realms: the login page and the error page, self-contained and escaped.

No external assets and no script: the only style is the inline sheet below, allowed by its hash in
the Content-Security-Policy. Every value that reaches the HTML goes through `escape`.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape

from starlette.responses import HTMLResponse

from connectedcar.api.auth.oauth2.forms import TOKEN_FIELD, AuthorizeRequest
from connectedcar.domain.brands import Brand

SCOPE_DESCRIPTIONS = {"public": "read-only access to all data"}

# One accent colour per brand realm, for the heading bar and the button.
_ACCENTS = {
    "peugeot": "#1a2b48",
    "citroen": "#b7002c",
    "driveds": "#7a6a56",
    "opel": "#2a2a2a",
    "vauxhall": "#c8102e",
}

_CSS = (
    """
*{box-sizing:border-box}
body{--accent:#1d2329}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;
font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
background:#eef0f3;color:#1d2329}
main{width:100%;max-width:400px;margin:24px;background:#fff;border-radius:10px;
box-shadow:0 4px 24px rgba(0,0,0,.08);overflow:hidden}
header{padding:20px 28px;color:#fff;background:var(--accent)}
header h1{margin:0;font-size:22px;font-weight:600;letter-spacing:.02em}
header p{margin:2px 0 0;font-size:13px;opacity:.85}
section{padding:24px 28px 28px}
.lead{margin:0 0 8px}
.scope{margin:0 0 20px;font-size:14px;color:#56606b}
.error{margin:0 0 16px;padding:10px 12px;border-radius:6px;background:#fdecee;color:#8a1020;font-size:14px}
label{display:block;margin:0 0 4px;font-size:14px;font-weight:600}
input[type=email],input[type=password]{width:100%;margin:0 0 16px;padding:10px 12px;font:inherit;
border:1px solid #c4cad1;border-radius:6px}
input:focus{outline:2px solid var(--accent);outline-offset:1px}
.actions{display:flex;gap:12px;margin-top:4px}
button{flex:1;padding:10px 12px;font:inherit;font-weight:600;border-radius:6px;cursor:pointer;
border:1px solid var(--accent);background:var(--accent);color:#fff}
button.secondary{background:#fff;color:var(--accent)}
a{color:var(--accent)}
footer{padding:0 28px 20px;font-size:12px;color:#8a939c}
""".strip()
    + "\n"
    + "\n".join(f"body.{realm}{{--accent:{colour}}}" for realm, colour in _ACCENTS.items())
)

_CSS_HASH = base64.b64encode(hashlib.sha256(_CSS.encode()).digest()).decode()

SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # No form-action: browsers apply it to the redirect that follows the POST, which goes to the client.
    "Content-Security-Policy": (
        f"default-src 'none'; style-src 'sha256-{_CSS_HASH}'; frame-ancestors 'none'; base-uri 'none'"
    ),
}


def page_response(html: str, status: int) -> HTMLResponse:
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def _document(title: str, realm: str, body: str) -> str:
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n"
        f'<body class="{escape(realm)}">\n<main>\n{body}\n</main>\n</body>\n</html>\n'
    )


def _header(brand: Brand | None, subtitle: str) -> str:
    name = brand.name if brand else "connectedcar"
    return f"<header><h1>{escape(name)}</h1><p>{escape(subtitle)}</p></header>"


def login_page(
    brand: Brand,
    client_name: str,
    request: AuthorizeRequest,
    form_token: str,
    *,
    email: str = "",
    error: str | None = None,
) -> str:
    """The sign-in form; it posts back to /authorize with the request in hidden fields."""
    scopes = "; ".join(
        f"<strong>{escape(scope)}</strong>: {escape(SCOPE_DESCRIPTIONS.get(scope, scope))}"
        for scope in request.scope.split()
    )
    hidden = "\n".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'
        for name, value in {**request.hidden_fields(), TOKEN_FIELD: form_token}.items()
    )
    alert = f'<p class="error" role="alert">{escape(error)}</p>\n' if error else ""
    body = f"""{_header(brand, "Sign in with your " + brand.name + " account")}
<section>
<p class="lead"><strong>{escape(client_name)}</strong> asks to access your {escape(brand.name)} account.</p>
<p class="scope">Permission requested: {scopes}.</p>
{alert}<form method="post" action="authorize" autocomplete="on">
{hidden}
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required autofocus value="{escape(email)}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<div class="actions">
<button type="submit" name="action" value="allow">Sign in</button>
<button type="submit" name="action" value="deny" class="secondary" formnovalidate>Cancel</button>
</div>
</form>
</section>
<footer>Realm {escape(brand.realm)} &middot; connectedcar</footer>"""
    return _document(f"Sign in · {brand.name}", brand.realm, body)


def error_page(brand: Brand | None, message: str, *, restart_url: str | None = None) -> str:
    """A dead end the user must see: the request cannot be sent back to the application safely."""
    restart = f'<p><a href="{escape(restart_url)}">Start signing in again</a></p>' if restart_url else ""
    body = f"""{_header(brand, "Sign-in error")}
<section>
<p class="error" role="alert">{escape(message)}</p>
<p>Go back to the application and try again. If this keeps happening, contact the application's developer.</p>
{restart}
</section>"""
    title = f"Sign-in error · {brand.name}" if brand else "Sign-in error"
    return _document(title, brand.realm if brand else "", body)
