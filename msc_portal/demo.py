"""The demo data set, loaded by `manage.py seed_demo`.

Each app that has demo data contributes a `seed(log)` function, listed here in the order
they depend on each other. Every seed is idempotent: running it again updates, never duplicates.
"""

from accounts import demo as accounts_demo
from centres import demo as centres_demo
from counselling import demo as counselling_demo
from reports import demo as reports_demo
from returns import demo as returns_demo
from skills import demo as skills_demo

SEEDERS = [
    ("centres", centres_demo.seed),
    ("accounts", accounts_demo.seed),
    ("counselling", counselling_demo.seed),
    ("skills", skills_demo.seed),
    ("returns", returns_demo.seed),
    ("reports", reports_demo.seed),
]
