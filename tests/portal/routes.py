from tests.matrix import Route

ROUTES = [
    Route("home", public=True),
    Route("healthz", public=True),
    Route("api:schema", public=True, note="the API's description is public; its data is not"),
    Route("api:docs", public=True),
    Route(
        "admin:index",
        personas=frozenset({"administrator"}),
        denied=302,
        overrides={"anonymous": 302},
        note="Django's admin sends everyone else to its own login page",
    ),
]
