"""The process-wide Redis client the rate limiter and the audience counts share the shape of."""

import threading
import time

import redis

from masthead.core.redis_clients import SharedClient


def test_threads_that_start_at_once_get_one_client_with_the_timeouts(monkeypatch):
    made = []
    make_client = redis.Redis.from_url

    def slow_from_url(*args, **kwargs):
        time.sleep(0.2)  # a busy machine: every thread finds no client yet
        client = make_client(*args, **kwargs)
        made.append(client)
        return client

    monkeypatch.setattr(redis.Redis, "from_url", slow_from_url)
    shared = SharedClient(timeout_seconds=0.3)
    got = []
    threads = [threading.Thread(target=lambda: got.append(shared.get("redis://127.0.0.1:9/0"))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(made) == 1 and len(got) == 8 and all(client is made[0] for client in got)
    options = made[0].connection_pool.connection_kwargs
    assert options["socket_timeout"] == 0.3 and options["socket_connect_timeout"] == 0.3


def test_forget_makes_the_next_client_anew():
    shared = SharedClient(timeout_seconds=0.3)
    first = shared.get("redis://127.0.0.1:9/0")
    shared.forget()
    assert shared.get("redis://127.0.0.1:9/1") is not first
