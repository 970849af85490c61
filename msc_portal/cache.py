"""A Redis cache that fails soft: when Redis is away the portal works without a cache.

Every read answers "not cached" and every write is dropped, each logged as a warning, so pages
that only read (the programme dashboard) compute their figures and answer. Counters (`incr`,
used by rate limits) count nothing while Redis is down: limits are not enforced during an outage,
and the warning says so.
"""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (ConnectionError, TimeoutError, OSError)


def _soft(name: str, default):
    method = getattr(RedisCache, name)

    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UNREACHABLE as error:
            logger.warning("Cache unreachable (%s in %s): working without it", error, name)
            return default() if callable(default) else default

    wrapper.__name__ = name
    return wrapper


class FailSoftRedisCache(RedisCache):
    add = _soft("add", False)
    set = _soft("set", None)
    touch = _soft("touch", False)
    delete = _soft("delete", False)
    get_many = _soft("get_many", dict)
    set_many = _soft("set_many", list)
    delete_many = _soft("delete_many", None)
    has_key = _soft("has_key", False)
    incr = _soft("incr", 0)
    decr = _soft("decr", 0)
    clear = _soft("clear", None)

    def get(self, key, default=None, version=None):  # answers the caller's default
        try:
            return super().get(key, default, version)
        except UNREACHABLE as error:
            logger.warning("Cache unreachable (%s in get): working without it", error)
            return default
