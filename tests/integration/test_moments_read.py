"""Moments read from PostgreSQL by psycopg's compiled loader (core.moments_read): the same values,
in UTC, as Django's own loader gives, whatever their precision or era."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import BaseTzLoader

from sahl.core.moments_read import UtcMomentLoader

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's loader of timestamptz"),
]

MOMENTS = [
    "2026-12-07 14:40:08.548431+00",
    "2026-12-07 17:40:08+03",  # another zone: the same moment, given in UTC
    "1970-01-01 00:00:00+00",
    "2000-02-29 23:59:59.000001+00",
    "9999-12-31 23:59:59.999999+00",
    "0001-01-01 00:00:00+00",
]


def test_moments_come_back_in_utc_as_djangos_loader_gives_them():
    with connection.cursor() as cursor:
        loader = cursor.cursor.adapters.get_loader(1184, 0)
        assert loader is UtcMomentLoader  # not Django's Python one
        cursor.execute("SELECT m::timestamptz FROM unnest(%s::text[]) m", [MOMENTS])
        ours = [row[0] for row in cursor.fetchall()]

        class Djangos(BaseTzLoader):
            timezone = dt.UTC

        cursor.cursor.adapters.register_loader("timestamptz", Djangos)
        cursor.execute("SELECT m::timestamptz FROM unnest(%s::text[]) m", [MOMENTS])
        theirs = [row[0] for row in cursor.fetchall()]
    assert ours == theirs
    assert [m.tzinfo for m in ours] == [dt.UTC] * len(MOMENTS)
    assert [m.isoformat() for m in ours] == [m.isoformat() for m in theirs]
    assert ours[1] == dt.datetime(2026, 12, 7, 14, 40, 8, tzinfo=dt.UTC)
    assert ours[0].microsecond == 548431
