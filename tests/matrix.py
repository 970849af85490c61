"""The permission matrix's vocabulary: a Route says who may open a URL.

Every app lists its routes in `tests/<app>/routes.py` as `ROUTES = [Route(...), ...]`;
`tests/test_permission_matrix.py` walks the URL conf and fails for any named route that no
list mentions, then requests each route as every persona and checks the answer.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from accounts.permissions import Permission

PERSONAS = [
    "anonymous",
    "counsellor_a",
    "manager_a",
    "counsellor_b",
    "coordinator_a",
    "programme_manager",
    "host",
    "expert",
    "administrator",
]
SIGNED_IN = frozenset(PERSONAS) - {"anonymous"}


@dataclass(frozen=True)
class Route:
    name: str  # the URL name with its namespace, e.g. "centres:detail"
    # Who may open it: public=True for everyone; otherwise signed-in users whose role has
    # `permission` (if given) and who are among `personas` (if given).
    public: bool = False
    permission: Permission | None = None
    personas: frozenset[str] | None = None
    # Builds the URL's kwargs from the `world` fixture (the objects the personas work with).
    kwargs: Callable[[dict], dict] = field(default=lambda world: {})
    method: str = "get"
    data: dict | None = None
    ok: int = 200  # what an allowed persona gets
    denied: int = 403  # what a permitted persona outside `personas` gets (404 for scoped objects)
    overrides: dict[str, int] = field(default_factory=dict)  # persona -> status, where it differs
    note: str = ""

    @property
    def is_api(self) -> bool:
        return self.name.startswith("api:")

    def expected(self, persona: str, user) -> int | str:
        """A status code, or "login" for a redirect to the login page."""
        if persona in self.overrides:
            return self.overrides[persona]
        if self.public:
            return self.ok
        if persona == "anonymous":
            return 401 if self.is_api else "login"
        # The role's permission opens the door (403 without); `personas` then says whose
        # objects these are (`denied`, usually 404, for everyone else).
        if self.permission is not None and not user.can(self.permission):
            return 403
        if self.personas is not None and persona not in self.personas:
            return self.denied
        return self.ok
