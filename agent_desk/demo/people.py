"""The demo hospital's people: names, homes, identity numbers, phones, histories and tags."""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass

from uuid_utils import uuid7

from agent_desk.db.bulk_load import Row, Rows
from agent_desk.demo import catalog_people as words
from agent_desk.demo.catalog_departments import DepartmentSpec, Diagnosis
from agent_desk.demo.days import Days
from agent_desk.demo.draws import Draws, cumulative
from agent_desk.domain.enums import ContactRelation, Sex

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"  # ISO 7064 MOD 11-2, as GB 11643 uses it
_SHARE_NUMBER = 0.05  # adults whose spouse is also a patient; ~2% of numbers end up shared

# Enum values as exact str: sqlite3 binds a str subclass (an enum member) about twice
# as slowly, which shows at a million patients.
MALE, FEMALE = Sex.MALE.value, Sex.FEMALE.value
_SELF, _SPOUSE, _CHILD, _PARENT, _SIBLING = (
    ContactRelation.SELF.value, ContactRelation.SPOUSE.value, ContactRelation.CHILD.value,
    ContactRelation.PARENT.value, ContactRelation.SIBLING.value,
)  # fmt: skip

Home = tuple[str, int, str]  # address, city index, region code
Partner = tuple[str, str, str, int, str, int, str]  # name, mobile, E.164, birth day, *home
ChronicCase = tuple[str, str, str]  # condition, ICD-10, diagnosis name


@dataclass(slots=True)
class Person:
    pid: str
    name: str
    surname: str
    sex: str
    birth: int  # a day number, like every date in Days
    birth_year: int
    age: int
    home: Home
    principal: Diagnosis
    chronic: list[ChronicCase]
    cardiac: bool = False


def _era(birth_year: int) -> int:
    return 0 if birth_year < 1970 else 1 if birth_year < 1995 else 2


class PeopleMaker(Draws):
    """Patients and their numbers, drawn from the shared stream."""

    def __init__(self, draws: Draws, days: Days) -> None:
        super().__init__(draws.rnd)
        # Bound here: each row reads them, and one attribute look-up is cheaper than two.
        self.day, self.ymd = days.day, days.ymd
        self.ymd_sum = [_weighted(ymd, _ID_WEIGHTS[6:14]) for ymd in self.ymd]
        self.seq_sum = [_weighted(f"{n:03d}", _ID_WEIGHTS[14:]) for n in range(1000)]
        self.surnames = [name for name, weight in words.SURNAMES for _ in range(weight)]
        self.given_pools = {
            (MALE, 0): words.GIVEN_MALE_OLD, (MALE, 1): words.GIVEN_MALE_MID,
            (MALE, 2): words.GIVEN_MALE_NEW, (FEMALE, 0): words.GIVEN_FEMALE_OLD,
            (FEMALE, 1): words.GIVEN_FEMALE_MID, (FEMALE, 2): words.GIVEN_FEMALE_NEW,
        }  # fmt: skip
        self.city_cum = cumulative(city[4] for city in words.CITIES)
        self.region_sum = {
            code: _weighted(code, _ID_WEIGHTS[:6]) for city in words.CITIES for code, _ in city[5]
        }
        self.family_limits = [limit for limit, _ in words.FAMILY_CONTACTS]
        self.family = [
            ([relation.value for relation, _ in options], cumulative(w for _, w in options))
            for _, options in words.FAMILY_CONTACTS
        ]
        self.own_limits = [limit for limit, _ in words.OWN_MOBILE]
        self.own_shares = [share for _, share in words.OWN_MOBILE]
        self.chronic_by_prefix = {c.icd10[:3]: c.name for c in words.CHRONIC}
        self.tags: dict[tuple[str, ...], str] = {}
        # Adults with their own mobile, by sex, who may turn out to be a later patient's spouse.
        self.partners: dict[str, list[Partner]] = {MALE: [], FEMALE: []}

    def surname(self) -> str:
        return self.surnames[int(self.rnd() * len(self.surnames))]

    def given(self, sex: str, birth_year: int) -> str:
        pool = self.given_pools[sex, _era(birth_year)]
        given = pool[int(self.rnd() * len(pool))]
        return given + pool[int(self.rnd() * len(pool))] if self.rnd() < 0.72 else given

    def partner(self, sex: str, age: int, birth: int) -> Partner | None:
        """An earlier patient of the other sex and a similar age, now and then."""
        if age < 25 or self.rnd() >= _SHARE_NUMBER:
            return None
        spouses = self.partners[MALE if sex == FEMALE else FEMALE]
        for _ in range(3 if spouses else 0):
            n = int(self.rnd() * len(spouses))
            candidate = spouses[n]
            if abs(candidate[3] - birth) < 12 * 365:
                spouses[n] = spouses[-1]  # one spouse each
                spouses.pop()
                return candidate
        return None

    def home(self) -> Home:
        rnd = self.rnd
        city = bisect_right(self.city_cum, rnd())
        province, city_name, _, _, _, districts = words.CITIES[city]
        code, district = districts[int(rnd() * len(districts))]
        prefix = city_name if province == city_name else province + city_name
        address = (
            f"{prefix}{district}{self.pick(words.STREETS)}{1 + int(rnd() * 300)}号"
            f"{self.pick(words.COMMUNITIES)}{1 + int(rnd() * 20)}号楼{1 + int(rnd() * 6)}单元"
            f"{1 + int(rnd() * 18)}{1 + int(rnd() * 4):02d}室"
        )
        return address, city, code

    def chronic(self, age: int, principal: Diagnosis) -> list[ChronicCase]:
        if age < 18:
            return []
        band = 0 if age < 45 else 1 if age < 60 else 2
        found = [
            (c.name, c.icd10, c.diagnosis) for c in words.CHRONIC if self.rnd() < c.shares[band]
        ]
        implied = self.chronic_by_prefix.get(principal.icd10[:3])
        if implied is not None and all(c[0] != implied for c in found):
            found.append((implied, principal.icd10, principal.name))
        return found

    def patient_row(self, record_no: str, p: Person, spec: DepartmentSpec) -> Row:
        rnd, age = self.rnd, p.age
        if age < 7:
            occupation = self.pick(words.OCCUPATIONS_CHILD)
        elif age < 18 or (age < 23 and rnd() < 0.7):
            occupation = words.OCCUPATION_STUDENT
        elif age >= 60 and rnd() < 0.75:
            occupation = words.OCCUPATION_RETIRED
        else:
            occupation = self.pick(words.OCCUPATIONS_ADULT)
        allergies = family = cardiac = None
        if rnd() < 0.15:
            allergies = self.pick(words.ALLERGIES)
            second = self.pick(words.ALLERGIES)
            if rnd() < 0.2 and second != allergies:
                allergies += "，" + second
        if rnd() < 0.25:
            family = self.pick(words.FAMILY_HISTORY)
        conditions = [c[0] for c in p.chronic]
        heart = spec.code in ("CARD", "CTS") or "冠心病" in conditions
        if rnd() < (0.6 if heart else 0.08 if age >= 60 else 0.01 if age >= 18 else 0):
            cardiac = self.pick(words.CARDIAC_HISTORY)
            p.cardiac = True
        region = p.home[2]
        seq = 2 * int(rnd() * 500) + (p.sex == MALE)  # GB 11643: odd for men, even for women
        check = _ID_CHECK[
            (self.region_sum[region] + self.ymd_sum[p.birth] + self.seq_sum[seq]) % 11
        ]
        insurance = f"{region[:4]}{int(rnd() * 1e12):012d}" if rnd() < 0.9 else None
        return (
            p.pid, record_no, p.name, p.sex, self.day[p.birth],
            f"{region}{self.ymd[p.birth]}{seq:03d}{check}", occupation, p.home[0], insurance,
            allergies, family, cardiac, "、".join(conditions) or None, self._tags(p, spec),
            int(rnd() < 0.98), int(rnd() < 0.93), int(rnd() < 0.95),
        )  # fmt: skip

    def _tags(self, p: Person, spec: DepartmentSpec) -> str:
        tags = []
        if p.age >= 80:
            tags.append(words.TAG_ELDERLY)
        if p.chronic:
            tags.append(words.TAG_CHRONIC)
        if spec.code == "ONCO" or p.principal.icd10[0] == "C":
            tags.append(words.TAG_ONCOLOGY)
        if spec.code == "OB":
            tags.append(words.TAG_POSTPARTUM)
        if p.age >= 65 and self.rnd() < 0.06:
            tags.append(words.TAG_ALONE)
        tags.extend(tag for tag, share in words.OCCASIONAL_TAGS if self.rnd() < share)
        key = tuple(tags)
        if key not in self.tags:
            self.tags[key] = json.dumps(tags, ensure_ascii=False)
        return self.tags[key]

    # -- phones ----------------------------------------------------------------------------

    def contacts(self, rows: Rows, p: Person, partner: Partner | None) -> list[tuple[str, str]]:
        """The patient's numbers as (raw, E.164), primary first; exactly one is primary."""
        rnd = self.rnd
        out = rows["patient_contacts"]
        phones: list[tuple[str, str]] = []
        if rnd() < self.own_shares[bisect_right(self.own_limits, p.age)]:
            digits, e164 = self._mobile()
            raw = self._typed(digits)
            out.append((uuid7().hex, p.pid, _SELF, None, raw, e164, 1))
            phones.append((raw, e164))
            if p.age >= 25:
                spouses = self.partners[p.sex]
                entry = (p.name, digits, e164, p.birth, *p.home)
                if len(spouses) < 256:
                    spouses.append(entry)
                else:
                    spouses[int(rnd() * 256)] = entry
        if partner is not None:
            # The spouse is a patient too: one number, two patients.
            relation, contact, digits, e164 = _SPOUSE, partner[0], partner[1], partner[2]
        elif not phones or p.age < 18 or rnd() < (0.75 if p.age >= 65 else 0.45):
            relation, contact = self._relative(p)
            digits, e164 = self._mobile()
        else:
            relation = ""
        if relation:
            raw = self._typed(digits)
            out.append((uuid7().hex, p.pid, relation, contact, raw, e164, int(not phones)))
            phones.append((raw, e164))
        if rnd() < (0.18 if p.age >= 65 else 0.08):
            raw, e164 = self._landline(p.home[1])
            out.append((uuid7().hex, p.pid, _SELF, None, raw, e164, 0))
            phones.append((raw, e164))
        return phones

    def _relative(self, p: Person) -> tuple[str, str]:
        """A family member's relation and name."""
        relations, cum = self.family[bisect_right(self.family_limits, p.age)]
        relation = relations[bisect_right(cum, self.rnd())]
        anyone = MALE if self.rnd() < 0.5 else FEMALE
        if relation == _SPOUSE:
            return relation, self.surname() + self.given(
                FEMALE if p.sex == MALE else MALE, p.birth_year
            )
        if relation == _CHILD:  # children usually carry their father's surname
            family = p.surname if p.sex == MALE else self.surname()
            return relation, family + self.given(anyone, p.birth_year + 28)
        if relation == _PARENT:
            family = p.surname if anyone == MALE else self.surname()
            return relation, family + self.given(anyone, p.birth_year - 28)
        if relation == _SIBLING:
            return relation, p.surname + self.given(anyone, p.birth_year)
        return relation, self.surname() + self.given(anyone, p.birth_year)

    def _mobile(self) -> tuple[str, str]:
        digits = self.pick(words.MOBILE_PREFIXES) + f"{int(self.rnd() * 100_000_000):08d}"
        return digits, "+86" + digits

    def _typed(self, m: str) -> str:
        """A mobile number the way one of several people would have typed it."""
        r = self.rnd()
        if r < 0.45:
            return m
        if r < 0.70:
            return f"{m[:3]} {m[3:7]} {m[7:]}"
        if r < 0.82:
            return f"{m[:3]}-{m[3:7]}-{m[7:]}"
        if r < 0.90:
            return "+86" + m
        if r < 0.96:
            return f"+86 {m[:3]} {m[3:7]} {m[7:]}"
        return f"+86 {m[:3]}-{m[3:7]}-{m[7:]}"

    def _landline(self, city: int) -> tuple[str, str]:
        _, _, area, length, _, _ = words.CITIES[city]
        # First digit 2-7: local numbers starting 8 include service ranges (800…) that
        # phonenumbers rightly rejects, and a demo number must normalise like a real one.
        local = f"{2 + int(self.rnd() * 6)}{int(self.rnd() * 10 ** (length - 1)):0{length - 1}d}"
        r = self.rnd()
        if r < 0.4:
            raw = f"{area}-{local[: length - 4]} {local[length - 4 :]}"
        elif r < 0.7:
            raw = f"{area}-{local}"
        elif r < 0.85:
            raw = f"({area}){local}"
        else:
            raw = area + local
        return raw, "+86" + area[1:] + local


def _weighted(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(digit) * weight for digit, weight in zip(digits, weights, strict=True))
