from agent_desk.domain.masking import (
    mask_address,
    mask_id_number,
    mask_insurance_no,
    mask_name,
    mask_phone,
)


def test_id_number_keeps_region_and_last_four() -> None:
    assert mask_id_number("11010119900307123X") == "110101********123X"


def test_mobile_keeps_first_three_and_last_four() -> None:
    assert mask_phone("13845675678") == "138****5678"
    assert mask_phone("+8613845675678") == "138****5678"


def test_every_written_form_of_a_mobile_masks_alike() -> None:
    forms = [
        "+86 138-4567-5678",
        "138 4567 5678",
        " 13845675678 ",
        "0086 138 4567 5678",
        "tel:+8613845675678",
    ]
    assert {mask_phone(form) for form in forms} == {"138****5678"}


def test_a_landline_masks_alike_typed_or_in_e164() -> None:
    forms = [
        "010-6234 5678",
        "(010)62345678",
        "+861062345678",
        "+86 10 6234 5678",
        "(+86)010-62345678",
    ]
    assert {mask_phone(form) for form in forms} == {"010****5678"}


def test_short_values_hide_their_length() -> None:
    assert mask_id_number("12345") == "********"
    assert mask_phone("12345") == "****45"


def test_insurance_number_keeps_region_and_last_four() -> None:
    assert mask_insurance_no("3701107959717799") == "3701********7799"


def test_address_keeps_province_city_and_district() -> None:
    assert mask_address("山东省济南市历下区青年路24号枫林苑20号楼") == "山东省济南市历下区****"
    assert mask_address("北京市顺义区复兴路7号") == "北京市顺义区****"


def test_a_street_or_estate_is_never_taken_for_a_district() -> None:
    assert mask_address("浙江省义乌市稠州北路100号小区") == "浙江省义乌市****"
    assert mask_address("青年路24号锦绣小区") == "****"


def test_name_keeps_family_name() -> None:
    assert mask_name("王秀英") == "王**"
