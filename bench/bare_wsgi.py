"""The bench's reference for the beacon: the least a WSGI callable can do (an empty 204),
served by the same granian with the same workers as `masthead serve`."""


def application(environ, start_response):
    body = environ["wsgi.input"].read()  # as the beacon does: the body is read
    del body
    start_response("204 No Content", [("Cache-Control", "no-store")])
    return []
