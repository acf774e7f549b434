"""A test client that posts like a browser: each create form the site serves carries a
one-time token (docs/architecture.md "Idempotent writes"), so a posted dict without
`submission_token` gets a fresh one, as if the form had just been opened. Tests of the token
itself post it explicitly (the same one twice for a double submit) or use Django's Client,
which adds nothing."""

import uuid

from django.test import Client

TOKEN_FIELD = "submission_token"


class BrowserClient(Client):
    def post(self, path, data=None, *args, **kwargs):
        if data is None:
            data = {}
        if isinstance(data, dict) and TOKEN_FIELD not in data:
            data = {**data, TOKEN_FIELD: str(uuid.uuid4())}
        return super().post(path, data, *args, **kwargs)
