from masthead.pagecache import fragments


class FragmentGenerationMiddleware:
    """Read the fragment generation once, first thing, for the whole request.

    Everything a request takes from worker memory or the fragment caches is then of one
    generation, and a purge that commits half way through a render cannot mix old
    fragments with new ones.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with fragments.pinned_for(request):
            return self.get_response(request)
