"""The analytics app's periodic jobs (registered in apps.py)."""

from masthead.analytics import counting, flush, visitors


def flush_redis_counts() -> None:
    flush.flush_counts()


def forget_old_visitors() -> None:
    """Yesterday's salt, expired dedupe rows and old flush receipts: after this nothing
    links a hash to a reader."""
    visitors.forget_old_salts()
    counting.forget_expired_views()
    flush.forget_old_batches()
