"""Background work of the page cache. Every task is safe to run twice."""

from django.tasks import task


@task()
def purge_cdn(addresses: list[str]) -> int:
    """PURGE the addresses a page-cache purge removed at the CDN; those it could not take
    are kept for the worker's retry. Returns how many failed."""
    from masthead.pagecache import cdn, pending

    failed = cdn.send(addresses)
    if failed:
        pending.keep_cdn_addresses(failed)
    return len(failed)
