"""The JSON API's own records: API keys per controller, the log of every call, stored
idempotent responses (docs/api.md). The HTTP layer is dsar/web/api/."""
