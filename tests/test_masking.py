from agent_desk.domain.masking import mask_id_number, mask_name, mask_phone


def test_id_number_keeps_region_and_last_four() -> None:
    assert mask_id_number("11010119900307123X") == "110101********123X"


def test_mobile_keeps_first_three_and_last_four() -> None:
    assert mask_phone("13845675678") == "138****5678"
    assert mask_phone("+8613845675678") == "138****5678"


def test_short_values_are_fully_masked() -> None:
    assert mask_id_number("12345") == "*****"
    assert mask_phone("12345") == "1****"


def test_name_keeps_family_name() -> None:
    assert mask_name("王秀英") == "王**"
