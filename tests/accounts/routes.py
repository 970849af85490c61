from accounts.permissions import Permission
from tests.matrix import SIGNED_IN, Route

ROUTES = [
    Route(
        "accounts:login",
        public=True,
        overrides=dict.fromkeys(SIGNED_IN, 302),
        note="a signed-in user goes on to their home page",
    ),
    Route("accounts:logout", public=True, method="post", ok=302),
    Route("accounts:profile"),
    Route("accounts:api_token", method="post"),
    Route("accounts:people", permission=Permission.VIEW_STAFF),
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
