"""The intake parsers fuzzed from the files in tests/data: whatever the bytes, a file is
read or refused with a reason, every row or message becomes an item or an error item,
and the MLLP listener answers every frame it reads.

Derandomized, so that a run of the suite is repeatable; the edits are drawn from tokens
that matter to each format (byte-order marks, quotes, XML tags, HL7 separators and escapes).
"""

from __future__ import annotations

import codecs
import io
import socket
import zipfile
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent_desk.intake.csv_xlsx import SpreadsheetSource, TableError, read_table
from agent_desk.intake.hl7_adt import Hl7FileSource, split_messages
from agent_desk.intake.mapping import DEFAULT_MAPPING, MappingError, MappingStore
from agent_desk.intake.mllp import END_BLOCK, START_BLOCK, frame
from agent_desk.intake.records import SourceItem
from agent_desk.services.hl7_listener import Hl7Listener
from tests.test_intake_mllp import listener  # noqa: F401 (fixture)

DATA = Path(__file__).parent / "data"
SEED_CSV = (DATA / "discharges.csv").read_text(encoding="utf-8")
SEED_HL7 = (DATA / "adt.hl7").read_bytes()
FUZZ = settings(
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def fuzz(examples: int) -> settings:
    return settings(FUZZ, max_examples=examples)


CSV_TOKENS = [
    b'"',
    b",",
    b"\r\n",
    b"\n",
    b"\r",
    b"\x00",
    codecs.BOM_UTF8,
    codecs.BOM_UTF16_LE,
    "病案号".encode("gbk"),
    "出院".encode(),
    b"2026-02-30",
    b"99999999999999999999",
    b"1e400",
    b"\xff",
]
XML_TOKENS = [
    b"<",
    b">",
    b"</c>",
    b"</row>",
    b'<c r="A2" t="n"><v>abc</v></c>',
    b'<c r="B2" t="s"><v>99</v></c>',
    b'<c r="C2" s="1"><v>1e300</v></c>',
    b'<row r="3">',
    b'r="XFD1048576"',
    b'<dimension ref="A1:XFD1048576"/>',
    b'Target="missing.xml"',
    b"&amp;",
    b"&bogus;",
]
HL7_TOKENS = [
    b"|",
    b"^",
    b"~",
    b"\\",
    b"&",
    b"\r",
    b"\n",
    b"MSH|",
    b"MSH|^\\N\\|||||||ADT^|2\r",
    b"MSH|^~\\&",
    b"\\X4\\",
    b"\\Q\\",
    b"\\.sp9\\",
    b"\\E\\",
    b"+2400",
    b"99999999",
    b"ADT^A03",
    b"ADT^A13",
    b"PID|1||",
    b"DG1|1||",
    b"GB18030",
    "病".encode("gbk"),
    b"\xff",
]


def edited(seed: bytes, tokens: Sequence[bytes]) -> st.SearchStrategy[bytes]:
    """*seed* after a few inserts, overwrites, deletions and cuts at drawn places."""
    piece = st.one_of(st.sampled_from(tokens), st.binary(min_size=1, max_size=6))
    edit = st.tuples(st.integers(0, 1 << 20), st.sampled_from("iodc"), piece)
    return st.lists(edit, max_size=6).map(lambda edits: _apply(seed, edits))


def _apply(seed: bytes, edits: list[tuple[int, str, bytes]]) -> bytes:
    data = bytearray(seed)
    for where, how, piece in edits:
        at = where % (len(data) + 1)
        if how == "i":
            data[at:at] = piece
        elif how == "o":
            data[at : at + len(piece)] = piece
        elif how == "d":
            del data[at : at + 4 * len(piece)]
        else:
            del data[at:]
    return bytes(data)


@st.composite
def hl7_text(draw: st.DrawFn, seed: bytes) -> bytes:
    """*seed* with the encoding characters of its first MSH drawn (the `hl7` library
    asserts on some), then edited."""
    if draw(st.booleans()):
        encoding_characters = draw(st.text(alphabet="|^~\\&#N ", max_size=6)).encode()
        seed = seed[:4] + encoding_characters + seed[seed.index(b"|", 4) :]
    return draw(edited(seed, HL7_TOKENS))


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    codec = draw(st.sampled_from(["utf-8", "gbk", "utf-16-le", "utf-16-be"]))
    bom = draw(st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE]))
    return draw(edited(bom + SEED_CSV.encode(codec), CSV_TOKENS))


@cache
def seed_workbook() -> dict[str, bytes]:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for line in SEED_CSV.splitlines():
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@st.composite
def xlsx_files(draw: st.DrawFn) -> bytes:
    parts = dict(seed_workbook())
    for name in draw(st.lists(st.sampled_from(sorted(parts)), min_size=1, max_size=2)):
        parts[name] = draw(edited(parts[name], XML_TOKENS))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return draw(st.one_of(st.just(buffer.getvalue()), edited(buffer.getvalue(), [b"PK"])))


def _rows(path: Path, mapping_dir: Path) -> list[SourceItem] | None:
    """The items of a discharge list, or None when it is refused as a whole."""
    try:
        table = read_table(path)
        source = SpreadsheetSource(table, MappingStore(mapping_dir).get(DEFAULT_MAPPING))
    except (TableError, MappingError):
        return None
    return list(source.items())


def _assert_items_are_sound(items: list[SourceItem]) -> None:
    for item in items:
        assert item.position and (item.error is None or item.error.strip()), item
        assert not (item.error or "").startswith("internal error"), item


@fuzz(500)
@given(data=csv_files())
def test_csv_fuzz(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    rows = _rows(path, tmp_path)
    if rows is not None:
        _assert_items_are_sound(rows)
        assert all((item.event is None) != (item.error is None) for item in rows)


@fuzz(200)
@given(data=xlsx_files())
def test_xlsx_fuzz(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.xlsx"
    path.write_bytes(data)
    rows = _rows(path, tmp_path)
    if rows is not None:
        _assert_items_are_sound(rows)


@fuzz(600)
@given(data=hl7_text(SEED_HL7))
def test_hl7_file_fuzz(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.hl7"
    path.write_bytes(data)
    items = list(Hl7FileSource([path]).items())
    assert len(items) == len(split_messages(data))
    _assert_items_are_sound(items)


@st.composite
def mllp_streams(draw: st.DrawFn) -> tuple[list[bytes], int]:
    """Frames of edited messages, noise between them, cut into drawn TCP writes."""
    seeds = split_messages(SEED_HL7)
    bodies = draw(st.lists(st.sampled_from(seeds).flatmap(hl7_text), max_size=3))
    bodies = [b.replace(END_BLOCK[:1], b"") for b in bodies]  # an end block would split it
    noise = st.binary(max_size=8).map(lambda b: b.replace(START_BLOCK, b""))
    stream = b"".join(draw(noise) + frame(body) for body in bodies) + draw(noise)
    cuts = sorted(draw(st.lists(st.integers(0, len(stream)), max_size=4)))
    chunks = [stream[a:b] for a, b in zip([0, *cuts], [*cuts, len(stream)], strict=True)]
    return chunks, len(bodies)


def _acks(sock: socket.socket, count: int) -> Iterator[bytes]:
    buffer = b""
    while count:
        while END_BLOCK not in buffer:
            chunk = sock.recv(65536)
            assert chunk, "the listener closed the connection before answering"
            buffer += chunk
        ack, _, buffer = buffer.partition(END_BLOCK)
        count -= 1
        yield ack[ack.index(START_BLOCK) + 1 :]


@fuzz(150)
@given(stream=mllp_streams())
def test_mllp_framing_fuzz(listener: Hl7Listener, stream: tuple[list[bytes], int]) -> None:  # noqa: F811
    chunks, frames = stream
    with socket.create_connection(("127.0.0.1", listener.port), timeout=30) as sock:
        for chunk in chunks:
            sock.sendall(chunk)
        codes = [ack.split(b"\r")[1].split(b"|")[1] for ack in _acks(sock, frames)]
    assert len(codes) == frames and set(codes) <= {b"AA", b"AE", b"AR"}


pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # openpyxl on damaged styles
