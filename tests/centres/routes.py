from tests.matrix import Route

ROUTES = [
    Route("centres:directory", public=True),
    Route("centres:detail", public=True, kwargs=lambda world: {"pk": world["centre_a"].pk}),
    Route("api:centre-list"),
    Route("api:centre-detail", kwargs=lambda world: {"pk": world["centre_b"].pk}),
    Route("api:partnerorganisation-list"),
    Route("api:partnerorganisation-detail", kwargs=lambda world: {"pk": world["partner_a"].pk}),
]
