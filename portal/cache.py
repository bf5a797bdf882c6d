"""The Redis cache, made to keep the portal serving while Redis is down.

Everything the portal keeps in the cache can be recomputed or done without: cached search words,
the nightly recompute's lock, the one-time codes already used. So a cache that cannot reach Redis
answers as an empty cache instead of failing the request: ``get`` finds nothing, ``set`` and
``delete`` do nothing, and ``add`` says yes — the caller goes ahead as if first, which costs one
more recompute or, for a one-time code, the replay check during the outage (signing in stays
possible; the code itself is still checked). Each failure is logged. Timeouts are short, so a
hung Redis delays a page by at most a second per call.
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


def _when_down(fallback):
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE:
                log.warning("cache unreachable: %s answered as an empty cache", method.__name__)
                return fallback(*args, **kwargs) if callable(fallback) else fallback

        return wrapper

    return decorate


def _default(key, default=None, *args, **kwargs):
    return default


class ResilientRedisCache(RedisCache):
    get = _when_down(_default)(RedisCache.get)
    get_many = _when_down({})(RedisCache.get_many)
    has_key = _when_down(False)(RedisCache.has_key)
    set = _when_down(None)(RedisCache.set)
    set_many = _when_down([])(RedisCache.set_many)
    add = _when_down(True)(RedisCache.add)
    touch = _when_down(False)(RedisCache.touch)
    delete = _when_down(False)(RedisCache.delete)
    delete_many = _when_down(None)(RedisCache.delete_many)
    incr = _when_down(None)(RedisCache.incr)
    clear = _when_down(None)(RedisCache.clear)
