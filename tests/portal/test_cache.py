"""portal.cache.ResilientRedisCache answers as an empty cache when Redis cannot be reached."""

import pytest
from django.core.cache.backends.redis import RedisCache

from portal.cache import ResilientRedisCache

NOBODY_LISTENS = "redis://127.0.0.1:1/0"


def test_an_unreachable_redis_is_an_empty_cache():
    cache = ResilientRedisCache(NOBODY_LISTENS, {"OPTIONS": {"socket_connect_timeout": 1}})
    assert cache.get("word", "fallback") == "fallback" and cache.get_many(["a", "b"]) == {}
    cache.set("word", 1)  # nothing raised, nothing stored
    assert cache.add("lock", 1) is True  # the caller goes ahead, as if first
    assert cache.delete("word") is False and not cache.has_key("word")


def test_django_s_own_redis_cache_would_fail_the_request():
    with pytest.raises(Exception, match="(?i)connect"):
        RedisCache(NOBODY_LISTENS, {"OPTIONS": {"socket_connect_timeout": 1}}).get("word")
