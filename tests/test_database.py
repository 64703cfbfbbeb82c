"""How Bridge's database connections are set up."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_connections_never_jit_compile_a_query():
    # A sorted case list over twenty thousand cases spent two seconds compiling (docs/performance.md).
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
