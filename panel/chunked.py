"""Request bodies sent with `Transfer-Encoding: chunked`, which Django reads as empty: it
reads CONTENT_LENGTH bytes and ignores `wsgi.input_terminated`, so an API client that streams
its JSON got "The body must be a JSON object". gunicorn decodes the chunks; this reads them
(at most one byte past Django's own limit, which then refuses the request) and sets the
length Django needs."""

import io

from django.conf import settings

WITH_BODY = {"POST", "PUT", "PATCH"}


def read_chunked_bodies(app):
    def wrapped(environ, start_response):
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        with_body = environ.get("REQUEST_METHOD") in WITH_BODY
        if (
            chunked
            and with_body
            and not environ.get("CONTENT_LENGTH")
            and environ.get("wsgi.input_terminated")
        ):
            limit = max(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0, settings.BULK_MAX_BYTES)
            body = environ["wsgi.input"].read(limit + 1)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return app(environ, start_response)

    return wrapped
