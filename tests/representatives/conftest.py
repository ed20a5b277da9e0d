"""The demo shop the demo register reads, for the representatives' searches."""

from tests.fulfilment.conftest import shop  # noqa: F401
