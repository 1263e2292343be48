from masthead.pagecache import fragments

# How many fragments this response took from a cache and how many it built: for `make
# bench` and for anyone asking why a page was slow. Never stored with a page.
FRAGMENTS_HEADER = "X-Fragments"


class FreshnessMiddleware:
    """Read the purge clock once, first thing, for the whole request.

    Everything a request takes from worker memory or the fragment caches is then checked
    against one view of the clock, and a purge that commits half way through a render
    cannot mix old fragments with new ones.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with fragments.pinned_for(request) as freshness:
            response = self.get_response(request)
        if freshness.hits or freshness.misses:
            response[FRAGMENTS_HEADER] = f"hits={freshness.hits} misses={freshness.misses}"
        return response
