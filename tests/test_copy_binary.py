"""Binary COPY payloads from numpy columns, checked field by field on a real PostgreSQL.

The oracle for value_n is Decimal arithmetic on the exact binary value of each
float (what Python's round(value, scale) rounds), for timestamps Python's
datetime and PostgreSQL's own to_timestamp(); nothing is mocked.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np
import pytest

from haystack_tui.store import copy_binary
from haystack_tui.store.copy_binary import COPY_COLUMNS, HEADER, STATUS_TEXT, TRAILER, encode_rows

TS_TYPES = {"tz": "timestamptz", "naive": "timestamp without time zone"}
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@pytest.fixture(params=list(TS_TYPES))
def table(request, conn) -> str:
    """A values table with the org layout; ``ts`` of either type the tables come in."""
    name = f"values_{request.param}"
    conn.execute(f"""CREATE TABLE {name} (
        entity_id integer NOT NULL, ts {TS_TYPES[request.param]} NOT NULL, value_n numeric, value_b boolean,
        value_s varchar, value_ts timestamptz, value_dict jsonb, status varchar, PRIMARY KEY (entity_id, ts))""")
    return name


def copy_in(conn, table: str, *payloads: bytes) -> None:
    """COPY the payloads into ``table``, one ``write()`` each, in one statement."""
    with conn.cursor().copy(f"COPY {table} ({', '.join(COPY_COLUMNS)}) FROM STDIN (FORMAT BINARY)") as cp:
        for p in payloads:
            cp.write(p)


def random_rows(n_entities: int = 40, per_entity: int = 60, seed: int = 1) -> dict[str, np.ndarray]:
    """Rows in (entity_id, ts) order mixing every case: NaN, bools, statuses, scales, signs, sizes, eras."""
    rng = np.random.default_rng(seed)
    n = n_entities * per_entity
    eid = np.repeat(rng.choice(np.arange(-5, 2_000_000), n_entities, replace=False).astype(np.int32), per_entity)
    ts = np.concatenate([np.sort(rng.choice(np.arange(-4_000_000_000, 4_000_000_000, 900), per_entity,
                                            replace=False)) for _ in range(n_entities)])
    magnitude = 10.0 ** rng.integers(-3, 14, n)  # 0.001 .. 1e13
    value = np.round(rng.uniform(-1, 1, n) * magnitude, rng.integers(0, 5))
    value[rng.random(n) < 0.05] = 0.0
    is_bool = rng.random(n) < 0.2
    value[is_bool] = rng.integers(0, 2, is_bool.sum())
    value[rng.random(n) < 0.1] = np.nan
    scale = rng.integers(0, 4, n).astype(np.int16)
    scale[rng.random(n) < 0.05] = 6
    status = rng.integers(0, len(STATUS_TEXT), n).astype(np.uint8)
    return dict(entity_id=eid, ts=ts, value=value, scale=scale, is_bool=is_bool, status=status)


def expected_numeric(value: float, scale: int) -> str:
    """round(value, scale) as PostgreSQL prints it: exactly ``scale`` decimals, no negative zero."""
    d = Decimal(value).quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_EVEN)
    return str(d.copy_abs() if d == 0 else d)


def expected_rows(rows: dict[str, np.ndarray], with_tz: bool) -> list[tuple]:
    out = []
    for e, t, v, s, b, st in zip(*(rows[k].tolist() for k in ("entity_id", "ts", "value", "scale", "is_bool",
                                                             "status"))):
        when = EPOCH + timedelta(seconds=t)
        nan = v != v
        out.append((e, when if with_tz else when.replace(tzinfo=None),
                    None if b or nan else expected_numeric(v, s),
                    None if not b or nan else bool(v), STATUS_TEXT[st]))
    return out


def fetch(conn, table: str) -> list[tuple]:
    return conn.execute(f"SELECT entity_id, ts, value_n::text, value_b, status FROM {table}"
                        " ORDER BY entity_id, ts").fetchall()


def ts_matches_to_timestamp(conn, table: str, rows: dict[str, np.ndarray], with_tz: bool) -> int:
    """Rows whose ts equals PostgreSQL's to_timestamp(epoch), read as UTC for a naive column."""
    expected = "to_timestamp(e.ep)" if with_tz else "(to_timestamp(e.ep) AT TIME ZONE 'UTC')"
    return conn.execute(
        f"SELECT count(*) FROM {table} t JOIN unnest(%s::int4[], %s::float8[]) e(id, ep)"
        f" ON t.entity_id = e.id AND t.ts = {expected}",
        (rows["entity_id"].tolist(), rows["ts"].astype(float).tolist())).fetchone()[0]


def test_random_rows_round_trip_every_field(conn, table, monkeypatch):
    monkeypatch.setattr(copy_binary, "CHUNK_ROWS", 97)  # many chunks, each with its own digit layout
    rows = random_rows()
    copy_in(conn, table, encode_rows(**rows))
    with_tz = table.endswith("_tz")
    assert fetch(conn, table) == sorted(expected_rows(rows, with_tz))
    assert ts_matches_to_timestamp(conn, table, rows, with_tz) == len(rows["ts"])


def test_numeric_text_has_exactly_scale_decimals(conn, table):
    rows = random_rows(seed=2)
    copy_in(conn, table, encode_rows(**rows))
    bad = conn.execute(
        f"SELECT count(*) FROM {table} t JOIN unnest(%s::int4[], %s::bigint[], %s::int[]) e(id, ep, scale)"
        f" ON t.entity_id = e.id AND extract(epoch FROM t.ts) = e.ep WHERE t.value_n IS NOT NULL AND"
        f" (scale(t.value_n) <> e.scale OR length(split_part(t.value_n::text, '.', 2)) <> e.scale)",
        (rows["entity_id"].tolist(), rows["ts"].tolist(), rows["scale"].tolist())).fetchone()[0]
    assert bad == 0
    assert conn.execute(f"SELECT count(*) FROM {table} WHERE value_n IS NOT NULL").fetchone()[0] > 1000


def test_numeric_digits_are_normalised_by_the_server(conn, table):
    """Leading/trailing zero digits sent for vectorisation are not stored: numeric_send shows the stored
    digit array, and it equals that of the same number parsed from text."""
    copy_in(conn, table, encode_rows(**random_rows(seed=3)))
    differs = conn.execute(f"SELECT count(*) FROM {table} WHERE value_n IS NOT NULL"
                           " AND numeric_send(value_n) <> numeric_send(value_n::text::numeric)").fetchone()[0]
    assert differs == 0


CASES = [  # value, scale, text PostgreSQL must print
    (72.1, 1, "72.1"), (400.0, 0, "400"), (0.912, 3, "0.912"), (0.05, 2, "0.05"), (1234567.8, 1, "1234567.8"),
    (0.0, 3, "0.000"), (-0.04, 1, "0.0"), (-17.25, 2, "-17.25"), (-3.25, 1, "-3.2"), (2.5, 0, "2"),
    (0.155, 2, "0.15"), (0.135, 2, "0.14"), (3.5, 0, "4"), (-2.5, 0, "-2"), (0.5, 0, "0"), (0.996, 2, "1.00"), (-9.9996, 3, "-10.000"), (123.456789, 6, "123.456789"),
    (0.000001, 6, "0.000001"), (1e13, 3, "10000000000000.000"), (-1234567890123.456, 3, "-1234567890123.456"),
    (1e13 + 0.123, 3, "10000000000000.123"), (2.0 ** 63 - 1024, 0, "9223372036854774784"),
]


def test_known_values_print_as_expected(conn, table):
    n = len(CASES)
    copy_in(conn, table, encode_rows(np.arange(n, dtype=np.int32), np.zeros(n, np.int64),
                                     np.array([c[0] for c in CASES]), np.array([c[1] for c in CASES]),
                                     np.zeros(n, bool), np.zeros(n, np.uint8)))
    got = [r[0] for r in conn.execute(f"SELECT value_n::text FROM {table} ORDER BY entity_id")]
    assert got == [c[2] for c in CASES]


def test_three_decimals_are_exact_wherever_a_double_holds_them(conn, table):
    """Every k/1000 with |k/1000| < 2**43 comes back as exactly k/1000 (the float's spacing is < 0.001 there)."""
    rng = np.random.default_rng(4)
    k = rng.integers(-(2 ** 43) * 1000, 2 ** 43 * 1000, 3000)
    n = len(k)
    copy_in(conn, table, encode_rows(np.arange(n, dtype=np.int32), np.zeros(n, np.int64), k / 1000,
                                     np.full(n, 3), np.zeros(n, bool), np.zeros(n, np.uint8)))
    got = [r[0] for r in conn.execute(f"SELECT value_n::text FROM {table} ORDER BY entity_id")]
    assert got == [str(Decimal(int(x)).scaleb(-3)) for x in k]


def test_payload_split_across_writes(conn, table):
    rows = random_rows(seed=5)
    cuts = [0, 1, 700, 701, len(rows["ts"])]
    pieces = [encode_rows(**{k: a[lo:hi] for k, a in rows.items()}, header=i == 0, trailer=hi == cuts[-1])
              for i, (lo, hi) in enumerate(zip(cuts, cuts[1:]))]
    assert pieces[0].startswith(HEADER) and pieces[-1].endswith(TRAILER)
    assert not any(p.startswith(HEADER) or p.endswith(TRAILER) for p in pieces[1:-1])
    copy_in(conn, table, *pieces)
    assert fetch(conn, table) == sorted(expected_rows(rows, table.endswith("_tz")))


def test_empty_input_is_a_valid_payload(conn, table):
    empty = dict(entity_id=np.empty(0, np.int32), ts=np.empty(0, np.int64), value=np.empty(0),
                 scale=np.empty(0, np.int16), is_bool=np.empty(0, bool), status=np.empty(0, np.uint8))
    assert encode_rows(**empty) == HEADER + TRAILER
    assert encode_rows(**empty, header=False, trailer=False) == b""
    copy_in(conn, table, encode_rows(**empty))
    copy_in(conn, table, HEADER, encode_rows(**empty, header=False, trailer=False), TRAILER)
    assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0


@pytest.mark.parametrize("change, message", [
    (dict(value=np.array([0.5]), is_bool=np.array([True])), "bool value"),
    (dict(status=np.array([3], np.uint8)), "status"),
    (dict(scale=np.array([7])), "scale"),
    (dict(value=np.array([np.inf])), "finite"),
    (dict(value=np.array([2.0 ** 63])), "finite"),
    (dict(entity_id=np.array([2 ** 31])), "entity_id"),
    (dict(ts=np.array([1.5])), "ts"),
    (dict(value=np.array([1.0, 2.0])), "equal length"),
])
def test_unfit_input_is_refused(change, message):
    row = dict(entity_id=np.array([1], np.int32), ts=np.array([0]), value=np.array([1.0]), scale=np.array([1]),
               is_bool=np.array([False]), status=np.array([0], np.uint8))
    with pytest.raises(ValueError, match=message):
        encode_rows(**(row | change))


def test_unused_scale_and_nan_are_not_checked():
    """Bool and NULL rows ignore ``scale``; NaN is NULL whatever the row kind."""
    payload = encode_rows(np.array([1, 2], np.int32), np.array([0, 0]), np.array([1.0, np.nan]), np.array([99, -1]),
                          np.array([True, False]), np.array([0, 0], np.uint8))
    assert payload.startswith(HEADER) and payload.endswith(TRAILER)
