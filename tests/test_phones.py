import pytest

from agent_desk.domain.phones import (
    InvalidPhoneNumber,
    PhonePlan,
    display_national,
    looks_like_phone,
    normalise,
    try_normalise,
)


@pytest.mark.parametrize(
    "raw",
    [
        "13800138000",
        "138 0013 8000",
        "+86 138-0013-8000",
        "008613800138000",
        "1795113800138000",
        "013800138000",
        "(+86) 138 0013 8000",
    ],
)
def test_mobile_formats_share_one_e164(raw: str) -> None:
    assert normalise(raw) == "+8613800138000"


@pytest.mark.parametrize(
    "raw",
    [
        "010-6234 5678",
        "(010)62345678",
        "+86 10 6234 5678",
        "0086 10 62345678",
        "17951 010 62345678",
    ],
)
def test_landline_formats(raw: str) -> None:
    assert normalise(raw) == "+861062345678"


def test_local_landline_needs_the_hospital_area_code() -> None:
    with pytest.raises(InvalidPhoneNumber):
        normalise("62345678")
    assert normalise("62345678", PhonePlan(area_code="010")) == "+861062345678"
    assert normalise("62345678", PhonePlan(area_code="0755")) == "+8675562345678"


def test_area_code_does_not_touch_mobiles() -> None:
    assert normalise("13800138000", PhonePlan(area_code="010")) == "+8613800138000"


@pytest.mark.parametrize("raw", ["", "   ", "abc", "12345", "95599x", "138001380001234"])
def test_malformed_numbers_are_refused_with_a_message(raw: str) -> None:
    with pytest.raises(InvalidPhoneNumber, match="phone number"):
        normalise(raw)


def test_search_box_tells_numbers_from_names() -> None:
    assert looks_like_phone("138 0013 8000")
    assert looks_like_phone("+8613800138000")
    assert not looks_like_phone("王秀英")
    assert not looks_like_phone("D000000001")


def test_display_national() -> None:
    assert display_national("+8613800138000") == "138 0013 8000"


def test_dialable_digits_for_the_pbx() -> None:
    from agent_desk.domain.phones import dialable

    assert dialable("+8613800138000") == "13800138000"
    assert dialable("+861062345678") == "01062345678"
    assert dialable("+861062345678", prefix="9") == "901062345678"
    assert dialable("+85221234567") == "0085221234567"


def _slow_normalise(digits: str) -> str | None:
    # What the parser alone makes of a number, without the fast path for mobiles.
    import phonenumbers

    try:
        parsed = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def test_the_mobile_fast_path_agrees_with_the_parser_on_every_prefix() -> None:
    # Every four-digit start of an 11-digit number beginning with 1, and a few endings
    # each: the fast path must accept exactly what phonenumbers accepts, as the same E.164.
    for prefix in range(1000, 2000):
        for ending in ("0000000", "1234567", "9999999", "5038261"):
            digits = f"{prefix}{ending}"
            assert try_normalise(digits) == _slow_normalise(digits), digits
            spaced = f"{digits[:3]} {digits[3:7]} {digits[7:]}"
            assert try_normalise(spaced) == _slow_normalise(digits), spaced


def test_full_width_digits_are_not_taken_for_a_mobile() -> None:
    # The pattern is matched over ASCII digits only; other digits go through the parser.
    assert try_normalise("１３８００１３８０００") == _slow_normalise("１３８００１３８０００")
