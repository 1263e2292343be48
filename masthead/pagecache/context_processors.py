from masthead.pagecache import fragments


def fragment_generation(request):
    """For `{% cache ... fragment_generation %}` in templates."""
    return {"fragment_generation": fragments.generation(request)}
