"""Parsing what a caller-ID modem prints: formatted fields, raw SDMF/MDMF hex, garbage."""

from __future__ import annotations

import random

import pytest

from agent_desk.telephony.caller_id import (
    CallerId,
    CallerIdError,
    Field,
    FieldLine,
    GarbageLine,
    LineSplitter,
    NoiseLine,
    RawLine,
    Reply,
    ReplyLine,
    RingLine,
    SentAt,
    caller_id_from_fields,
    classify_line,
    parse_raw_hex,
)
from agent_desk.telephony.events import CallerIdPrivacy

# The SDMF example from Bellcore's caller-ID documents: 30 Sep 12:24, from 609-555-1212.
BELLCORE_SDMF = "04 12 30 39 33 30 31 32 32 34 36 30 39 35 35 35 31 32 31 32 51"


def with_checksum(body: bytes) -> str:
    return (body + bytes([-sum(body) % 256])).hex()


def mdmf(*parameters: tuple[int, bytes]) -> str:
    payload = b"".join(bytes([kind, len(value)]) + value for kind, value in parameters)
    return with_checksum(bytes([0x80, len(payload)]) + payload)


def sdmf(date_time: bytes, number: bytes) -> str:
    return with_checksum(bytes([0x04, len(date_time + number)]) + date_time + number)


@pytest.mark.parametrize(
    "raw",
    [b"NMBR = 13800138000", b"NMBR=13800138000", b"NMBR  =13800138000 ", b"  nmbr = 13800138000"],
)
def test_number_line_with_any_spacing(raw: bytes) -> None:
    assert classify_line(raw) == FieldLine(Field.NUMBER, "13800138000")


@pytest.mark.parametrize(
    ("raw", "field", "value"),
    [
        (b"DATE = 1122", Field.DATE, "1122"),
        (b"TIME=1405", Field.TIME, "1405"),
        (b"NAME = ZHANG SAN", Field.NAME, "ZHANG SAN"),
        (b"MESG = 060101", Field.MESSAGE, "060101"),
        (b"DDN_NMBR = 075512345678", Field.DIALABLE_NUMBER, "075512345678"),
        ("NAME = 张三".encode(), Field.NAME, "张三"),
    ],
)
def test_each_formatted_field(raw: bytes, field: Field, value: str) -> None:
    assert classify_line(raw) == FieldLine(field, value)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"DATE = 1322", "impossible date-time"),
        (b"DATE = 11", "not four digits"),
        (b"TIME = 2460", "impossible date-time"),
        (b"NMBR = 1380013800X", "not a phone number"),
        (b"FOO = 1", "unknown field FOO"),
        (b"\xff\xfe\x00\x81", "not text"),
        (b"NMBR = 138\x07", "control characters"),
        (b"hello modem", "not a caller-ID line"),
    ],
)
def test_garbage_lines_say_why(raw: bytes, reason: str) -> None:
    line = classify_line(raw)
    assert isinstance(line, GarbageLine)
    assert reason in line.reason


def test_garbage_preview_masks_numbers() -> None:
    line = classify_line(b"NMBR = 1380013800X")
    assert isinstance(line, GarbageLine)
    assert "1380013800" not in line.text
    assert "138****3800" in line.text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"RING", RingLine()),
        (b"ring", RingLine()),
        (b"OK", ReplyLine(Reply.OK)),
        (b"ERROR", ReplyLine(Reply.ERROR)),
        (b"AT+VCID=1", NoiseLine("AT+VCID=1")),
        (b"NO CARRIER", NoiseLine("NO CARRIER")),
        (b"   ", None),
    ],
)
def test_modem_chatter(raw: bytes, expected: object) -> None:
    assert classify_line(raw) == expected


@pytest.mark.parametrize(
    ("value", "privacy"),
    [
        ("O", CallerIdPrivacy.OUT_OF_AREA),
        ("P", CallerIdPrivacy.PRIVATE),
        ("A", CallerIdPrivacy.ANONYMOUS),
    ],
)
def test_privacy_codes_leave_the_number_empty(value: str, privacy: CallerIdPrivacy) -> None:
    caller = caller_id_from_fields({Field.NUMBER: value})
    assert (caller.number, caller.privacy) == ("", privacy)


def test_a_block_of_fields_makes_one_caller_id() -> None:
    fields = {
        Field.TIME: "1405",
        Field.NAME: "ZHANG SAN",
        Field.DATE: "1122",
        Field.NUMBER: "13800138000",
    }
    assert caller_id_from_fields(fields) == CallerId(
        number="13800138000", name="ZHANG SAN", sent_at=SentAt(11, 22, 14, 5)
    )


def test_dialable_number_stands_in_only_when_the_number_is_missing() -> None:
    both = {Field.NUMBER: "13800138000", Field.DIALABLE_NUMBER: "075512345678"}
    assert caller_id_from_fields(both).number == "13800138000"
    assert caller_id_from_fields({Field.DIALABLE_NUMBER: "075512345678"}).number == "075512345678"


def test_withheld_name_is_empty() -> None:
    assert caller_id_from_fields({Field.NUMBER: "110", Field.NAME: "P"}).name == ""


def test_bellcore_sdmf_example() -> None:
    assert parse_raw_hex(BELLCORE_SDMF) == CallerId(
        number="6095551212", sent_at=SentAt(9, 30, 12, 24)
    )


def test_sdmf_private_number() -> None:
    assert parse_raw_hex(sdmf(b"11221405", b"P")).privacy is CallerIdPrivacy.PRIVATE


def test_mdmf_number_and_name() -> None:
    message = mdmf((0x01, b"11221405"), (0x02, b"13800138000"), (0x07, b"ZHANG SAN"))
    assert parse_raw_hex(message) == CallerId(
        number="13800138000", name="ZHANG SAN", sent_at=SentAt(11, 22, 14, 5)
    )


def test_mdmf_reasons_for_absence() -> None:
    message = mdmf((0x01, b"11221405"), (0x04, b"O"), (0x08, b"P"))
    caller = parse_raw_hex(message)
    assert (caller.number, caller.name, caller.privacy) == ("", "", CallerIdPrivacy.OUT_OF_AREA)


def test_mdmf_name_in_gb2312() -> None:
    message = mdmf((0x02, b"13800138000"), (0x07, "张三".encode("gb2312")))
    assert parse_raw_hex(message).name == "张三"


def test_mdmf_unknown_parameter_is_ignored() -> None:
    assert parse_raw_hex(mdmf((0x03, b"0755"), (0x02, b"110"))).number == "110"


def test_impossible_date_time_keeps_the_number() -> None:
    caller = parse_raw_hex(sdmf(b"99999999", b"13800138000"))
    assert (caller.number, caller.sent_at) == ("13800138000", None)


def test_raw_hex_line_is_a_whole_message() -> None:
    line = classify_line(BELLCORE_SDMF.replace(" ", "").lower().encode())
    assert isinstance(line, RawLine)
    assert line.caller_id.number == "6095551212"


def test_undecoded_message_printed_as_mesg_is_parsed() -> None:
    line = classify_line(f"MESG = {mdmf((0x02, b'110'))}".encode())
    assert isinstance(line, RawLine)
    assert line.caller_id.number == "110"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (BELLCORE_SDMF[:-2] + "52", "bad checksum"),
        (BELLCORE_SDMF + " 00", "length says"),
        (BELLCORE_SDMF[:-3], "length says"),
        (BELLCORE_SDMF + "0", "odd number of hex digits"),
        ("04 1G", "not hex"),
        ("0400FC", "without a number"),
        ("04FC", "too short"),
        (with_checksum(bytes([0x06, 1, 0x41])), "unknown message type 0x06"),
        (mdmf((0x02, b"1380\xff")), "not ASCII"),
        (with_checksum(bytes([0x80, 3, 0x02, 5, 0x31])), "runs past the message"),
        (with_checksum(bytes([0x80, 1, 0x02])), "cut short"),
    ],
)
def test_bad_raw_messages_are_rejected(text: str, reason: str) -> None:
    with pytest.raises(CallerIdError, match=reason):
        parse_raw_hex(text)


def test_bad_raw_line_is_garbage_not_an_exception() -> None:
    line = classify_line((BELLCORE_SDMF[:-2] + "52").encode())
    assert isinstance(line, GarbageLine)
    assert "checksum" in line.reason


def test_splitter_accepts_cr_lf_and_crlf_across_reads() -> None:
    splitter = LineSplitter()
    assert splitter.feed(b"RING\rNMBR = 1") == [b"RING"]
    assert splitter.feed(b"10\nNAME = X\r\n\r\nDATE") == [b"NMBR = 110", b"NAME = X"]
    assert splitter.feed(b" = 1122\r") == [b"DATE = 1122"]


def test_splitter_cuts_endless_noise_into_bounded_pieces() -> None:
    pieces = LineSplitter(max_line=64).feed(b"x" * 200)
    assert [len(piece) for piece in pieces] == [64, 64, 64]


def test_random_bytes_are_garbage_and_never_raise() -> None:
    noise = random.Random(3)  # seeded: a failure must be reproducible
    lines = LineSplitter().feed(noise.randbytes(64 * 1024))
    lines += [noise.randbytes(size) for size in range(1, 80)]
    kinds = {type(classify_line(raw)) for raw in lines}
    assert kinds <= {GarbageLine, type(None)}
