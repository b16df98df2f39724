"""Password guessing on the login form is held back (429 with Retry-After) without checking passwords."""

from __future__ import annotations

import httpx

from connectedcar.runtime import Runtime
from tests.api.auth.oauth2.signin import authorize_params, new_app, open_login, redirect_query, submit
from tests.support import PASSWORD, World


def test_after_five_failures_even_the_right_password_waits_then_works(
    http: httpx.Client, world: World, runtime: Runtime
) -> None:
    user = world.user()
    app = new_app(world)
    for _ in range(5):
        form = open_login(http, "citroen", authorize_params(app))
        assert submit(form, http, user.email, "Wr0ng-password").status_code == 401
    form = open_login(http, "citroen", authorize_params(app))
    held = submit(form, http, user.email, PASSWORD)
    assert held.status_code == 429
    assert int(held.headers["retry-after"]) > 0
    assert "Too many failed sign-ins" in held.text
    world.clock.advance(runtime.settings.login_failure_window_seconds)
    form = open_login(http, "citroen", authorize_params(app))
    assert "code" in redirect_query(submit(form, http, user.email, PASSWORD), app.redirect_uri)
