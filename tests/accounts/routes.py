from accounts.permissions import Permission
from tests.matrix import SIGNED_IN, Route

# Personas whose role does not need two-factor sign-in (they have no authenticator app).
NO_AUTHENTICATOR = ["counsellor_a", "counsellor_b", "host", "expert"]

ROUTES = [
    Route(
        "accounts:login",
        public=True,
        overrides=dict.fromkeys(SIGNED_IN, 302),
        note="a signed-in user goes on to their home page",
    ),
    Route("accounts:logout", public=True, method="post", ok=302),
    Route("accounts:profile"),
    Route("accounts:api_token", method="post", data={"name": "laptop"}),
    Route(
        "accounts:api_token_revoke",
        method="post",
        kwargs=lambda world: {"digest": "0" * 128},
        ok=404,
        note="a token is found among one's own only",
    ),
    Route(
        "accounts:session_end",
        method="post",
        kwargs=lambda world: {"pk": 0},
        ok=404,
        note="a session is found among one's own only",
    ),
    Route("accounts:sign_out_everywhere", method="post", ok=302),
    Route("accounts:two_factor_setup"),
    Route(
        "accounts:two_factor_verify",
        ok=302,
        note="a verified session, or one without an authenticator, goes on",
    ),
    Route(
        "accounts:recovery_codes",
        method="post",
        overrides=dict.fromkeys(NO_AUTHENTICATOR, 302),
        note="without an authenticator app: sent to set one up",
    ),
    Route("accounts:two_factor_disable", method="post", ok=302),
    Route("accounts:people", permission=Permission.VIEW_STAFF),
    Route("accounts:access_grant", permission=Permission.GRANT_ACCESS),
    Route("accounts:set_language", public=True, method="post", data={"language": "sq"}, ok=302),
    Route("accounts:password_change"),
    Route("accounts:password_change_done"),
    Route("accounts:password_reset", public=True),
    Route("accounts:password_reset_done", public=True),
    Route(
        "accounts:password_reset_confirm",
        public=True,
        kwargs=lambda world: {"uidb64": "MQ", "token": "set-password"},
        note="an invalid link answers 200 with an explanation",
    ),
    Route("accounts:password_reset_complete", public=True),
    Route("api:me"),
]
