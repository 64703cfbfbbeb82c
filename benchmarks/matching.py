"""How well and how fast matching finds the same child twice (issue 18; docs/performance.md).

Generates synthetic children with ground truth into a freshly migrated database that holds no
cases (never one with real cases), named from Faker's name lists of eleven locales with the
frequencies Faker records (`COMMUNITIES`): a share of the children are recorded twice, by two
agencies, the second time as another worker would write it down (a nickname for the formal name,
a second given name or the mother's surname left out, a typo, another transliteration, accents
lost, surnames hyphenated, day and month of birth swapped, the year off by one, the day off by
one, the date unknown), and siblings share both surnames. Then it checks a random sample of the
cases, as a caseworker's edit would, and reports the precision of high matches, the precision of
medium ones, the recall of high and medium together and the time per check:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bridge_match_bench \\
        python -m benchmarks.matching --cases 100000 --probes 2000
"""

import argparse
import random
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from importlib import import_module
from itertools import accumulate
from typing import Any

from benchmarks.common import setup_django, summary_ms

# Where the children's names come from: Faker's name lists (a dev dependency, so nothing is
# downloaded at run time), one community per locale, with the share of children it names. Names
# are drawn with the frequencies Faker records where it records them (en_US, es_CO, ko_KR: census
# and registry counts) and uniformly from the list where it does not; names in another script are
# written in Latin letters as a worker would (Faker's `unidecode`). Tens of thousands of distinct
# given name and surname combinations, as in real caseloads, where the old lists of fewer than a
# hundred names made "María García" one girl in twenty-five.
COMMUNITIES = {
    "es_MX": 0.20,
    "es_CO": 0.15,
    "es_ES": 0.08,
    "en_US": 0.25,
    "en_IN": 0.05,
    "pt_BR": 0.04,
    "vi_VN": 0.05,
    "ar_AA": 0.06,
    "ru_RU": 0.05,
    "uk_UA": 0.03,
    "ko_KR": 0.04,
}


# Other transliterations and spellings of the same name, as another worker may write them.
SPELLINGS = {
    "Mohammed": ["Muhammad", "Mohamed", "Mohamad"],
    "Yusuf": ["Youssef", "Yousef"],
    "Aleksandr": ["Alexander", "Aleksander"],
    "Dmitri": ["Dmitry", "Dimitri"],
    "Mikhail": ["Mikail", "Michail"],
    "Ekaterina": ["Yekaterina", "Ecaterina"],
    "Tatiana": ["Tatyana", "Tatjana"],
    "Natalia": ["Natalya", "Nataliya"],
    "Fatima": ["Fatma", "Fatimah"],
    "Aisha": ["Aysha", "Ayesha"],
    "Yesenia": ["Yessenia", "Jesenia"],
    "Ximena": ["Jimena"],
    "Katherine": ["Catherine", "Kathryn"],
    "Hussein": ["Husein", "Hussain"],
    "Nguyen": ["Nguyễn"],
    "Gonzalez": ["Gonzales"],
    "González": ["Gonzales"],
    "Álvarez": ["Alvares"],
    "Vázquez": ["Vasquez", "Vazques"],
    "Smirnov": ["Smirnoff"],
}
# Letters another romanisation or another ear writes differently, for names without a known
# spelling above: the Cyrillic kha as "kh" or "h", "ks" or "x", "ou" or "u", and the like.
RESPELLINGS = [
    ("ks", "x"),
    ("x", "ks"),
    ("kh", "h"),
    ("iy", "y"),
    ("y", "i"),
    ("ou", "u"),
    ("ph", "f"),
    ("th", "t"),
    ("sh", "ch"),
    ("ie", "ye"),
    ("ll", "l"),
    ("ss", "s"),
    ("v", "w"),
    ("z", "s"),
    ("j", "y"),
]
LETTERS = "abcdefghijklmnopqrstuvwxyz"


# Korean surnames as they are written in Latin letters (Kim, Lee, Park), not as a letter-by-letter
# romanisation gives them (Gim, I, Bag).
KOREAN_SURNAMES = {
    "Gim": "Kim",
    "I": "Lee",
    "Bag": "Park",
    "Jeong": "Jung",
    "Coe": "Choi",
    "Jo": "Cho",
    "Gang": "Kang",
    "Yun": "Yoon",
    "Im": "Lim",
    "O": "Oh",
    "Sin": "Shin",
    "Gweon": "Kwon",
    "An": "Ahn",
    "Go": "Ko",
    "Mun": "Moon",
    "Baeg": "Baek",
    "Yu": "Yoo",
    "No": "Noh",
    "Sim": "Shim",
    "Gwag": "Kwak",
    "Seong": "Sung",
    "Ca": "Cha",
    "Ju": "Joo",
    "U": "Woo",
    "Gu": "Koo",
    "Eom": "Um",
}
# Spanish-speaking children carry both parents' surnames, Brazilians often; elsewhere a second
# surname is a hyphenated or double-barrelled exception.
DOUBLE_SURNAME_SHARE = {"es_MX": 0.8, "es_CO": 0.8, "es_ES": 0.8, "pt_BR": 0.5}


class NameList:
    """One of a community's lists of names, drawn from with its recorded frequencies."""

    def __init__(self, names: Mapping[str, float] | Sequence[str], *, spellings: Mapping[str, str]) -> None:
        weights = names.values() if isinstance(names, Mapping) else [1.0] * len(names)
        latin = (in_latin_letters(name) for name in names)
        self.names = [spellings.get(name, name) for name in latin]
        self.cumulative = list(accumulate(weights))

    def draw(self, rng: random.Random) -> str:
        return rng.choices(self.names, cum_weights=self.cumulative)[0]


@dataclass(frozen=True)
class Community:
    locale: str
    female: NameList
    male: NameList
    # A second given name: a middle name where the locale has them (Vietnamese "Thị", Russian
    # patronymics), otherwise another first name.
    female_middle: NameList
    male_middle: NameList
    female_surnames: NameList
    male_surnames: NameList


def in_latin_letters(name: str) -> str:
    from faker.decode import unidecode

    return name if all(ord(letter) < 0x250 for letter in name) else unidecode(name).title()


def name_list(person: Any, *attributes: str, spellings: Mapping[str, str] | None = None) -> NameList:
    """The first of these lists the locale's person provider has (not every locale has middle
    names or gendered surnames)."""
    listed = next(getattr(person, attribute) for attribute in attributes if getattr(person, attribute, None))
    return NameList(listed, spellings=spellings or {})


@cache
def communities() -> tuple[list[Community], list[float]]:
    communities = []
    for locale in COMMUNITIES:
        person = import_module(f"faker.providers.person.{locale}").Provider
        surname_spellings = KOREAN_SURNAMES if locale == "ko_KR" else None
        communities.append(
            Community(
                locale=locale,
                female=name_list(person, "first_names_female"),
                male=name_list(person, "first_names_male"),
                female_middle=name_list(person, "middle_names_female", "middle_names", "first_names_female"),
                male_middle=name_list(person, "middle_names_male", "middle_names", "first_names_male"),
                female_surnames=name_list(
                    person, "last_names_female", "last_names", spellings=surname_spellings
                ),
                male_surnames=name_list(person, "last_names_male", "last_names", spellings=surname_spellings),
            )
        )
    return communities, list(accumulate(COMMUNITIES.values()))


@dataclass
class Child:
    number: int
    given: list[str]
    surnames: list[str]
    born: date
    # The locale of `COMMUNITIES` the child's names come from, which a sibling's come from too.
    community: str
    aliases: list[str] = field(default_factory=list)


@dataclass
class Record:
    child: int
    legal_name: str
    born: date | None
    aliases: list[str]


def new_child(rng: random.Random, number: int, *, sibling_of: Child | None = None) -> Child:
    """A child of a community drawn by its share; a sibling shares the community and surnames
    (in the sibling's gendered form where the locale has one: Ivanov, Ivanova)."""
    every_community, cumulative_shares = communities()
    if sibling_of is None:
        community = rng.choices(every_community, cum_weights=cumulative_shares)[0]
    else:
        community = next(c for c in every_community if c.locale == sibling_of.community)
    girl = rng.random() < 0.5
    first, middle, surname = (
        (community.female, community.female_middle, community.female_surnames)
        if girl
        else (community.male, community.male_middle, community.male_surnames)
    )
    given = [first.draw(rng)]
    if rng.random() < 0.35:
        given.append(middle.draw(rng))
    if sibling_of is not None:
        surnames = list(sibling_of.surnames)
    else:
        surnames = [surname.draw(rng)]
        if rng.random() < DOUBLE_SURNAME_SHARE.get(community.locale, 0.05):
            surnames.append(surname.draw(rng))
    born = date(2007, 1, 1) + timedelta(days=rng.randrange(365 * 10))
    aliases = [f"{first.draw(rng)} {surname.draw(rng)}"] if rng.random() < 0.05 else []
    return Child(
        number=number, given=given, surnames=surnames, born=born, aliases=aliases, community=community.locale
    )


def typo(rng: random.Random, name: str) -> str:
    if len(name) < 4:
        return name
    at = rng.randrange(1, len(name) - 1)
    kind = rng.choice(["substitute", "delete", "insert", "transpose"])
    if kind == "substitute":
        return name[:at] + rng.choice(LETTERS) + name[at + 1 :]
    if kind == "delete":
        return name[:at] + name[at + 1 :]
    if kind == "insert":
        return name[:at] + rng.choice(LETTERS) + name[at:]
    return name[: at - 1] + name[at] + name[at - 1] + name[at + 1 :]


def respell(rng: random.Random, name: str) -> str:
    """The name as another transliteration writes it; the first letter is kept, as it mostly is."""
    if name in SPELLINGS:
        return rng.choice(SPELLINGS[name])
    rules = [(old, new) for old, new in RESPELLINGS if old in name[1:]]
    if not rules:
        return name
    old, new = rng.choice(rules)
    return name[0] + name[1:].replace(old, new, 1)


def without_accents(name: str) -> str:
    return name.translate(str.maketrans("áéíóúÁÉÍÓÚñÑüÜ", "aeiouAEIOUnNuU"))


def first_record(child: Child, rng: random.Random) -> Record:
    born = None if rng.random() < 0.05 else child.born
    return Record(child.number, " ".join(child.given + child.surnames), born, child.aliases)


def second_record(child: Child, rng: random.Random, nicknames: dict[str, list[str]]) -> Record:
    """The same child as another agency's worker records them: one to three variations."""
    given = list(child.given)
    surnames = list(child.surnames)
    born: date | None = child.born
    for variation in rng.sample(
        ["nickname", "spelling", "drop_given", "drop_surname", "typo", "accents", "hyphen", "date"],
        k=rng.randint(1, 3),
    ):
        if variation == "nickname" and given[0] in nicknames:
            given[0] = rng.choice(nicknames[given[0]])
        elif variation == "spelling":
            names = rng.choice([given, surnames])
            at = rng.randrange(len(names))
            names[at] = respell(rng, names[at])
        elif variation == "drop_given" and len(given) > 1:
            given.pop()
        elif variation == "drop_surname" and len(surnames) > 1:
            surnames.pop()
        elif variation == "typo":
            names = rng.choice([given, surnames])
            at = rng.randrange(len(names))
            names[at] = typo(rng, names[at])
        elif variation == "accents":
            given = [without_accents(name).upper() for name in given]
            surnames = [without_accents(name).upper() for name in surnames]
        elif variation == "hyphen" and len(surnames) > 1:
            surnames = ["-".join(surnames)]
        elif variation == "date":
            born = vary_date(rng, child.born)
    return Record(child.number, " ".join(given + surnames), born, [])


def vary_date(rng: random.Random, born: date) -> date | None:
    change = rng.choice(["swap", "year", "day", "unknown"])
    if change == "swap" and born.day <= 12 and born.day != born.month:
        return born.replace(month=born.day, day=born.month)
    if change == "year":
        year = born.year + rng.choice([-1, 1])
        # Only the 29th of February has no twin a year away: the 28th is the nearest.
        return (
            born.replace(year=year, day=28) if (born.month, born.day) == (2, 29) else born.replace(year=year)
        )
    if change == "day":
        return born + timedelta(days=rng.choice([-1, 1]))
    if change == "unknown":
        return None
    return born


def generate(rng: random.Random, *, cases: int, duplicate_share: float, sibling_share: float) -> list[Record]:
    from matching.nicknames import NICKNAMES

    nicknames: dict[str, list[str]] = {}
    for nickname, formal in NICKNAMES.items():
        nicknames.setdefault(formal, []).append(nickname)
    records: list[Record] = []
    number = 0
    while len(records) < cases:
        child = new_child(rng, number)
        number += 1
        records.append(first_record(child, rng))
        if rng.random() < duplicate_share and len(records) < cases:
            records.append(second_record(child, rng, nicknames))
        if rng.random() < sibling_share and len(records) < cases:
            sibling = new_child(rng, number, sibling_of=child)
            number += 1
            records.append(first_record(sibling, rng))
    return records


def load(records: list[Record]) -> list[uuid.UUID]:
    """Write the cases and their identity sections with COPY, as the load generator does, and
    derive their matching keys the way the identity hook does. The pseudonym is the ground truth
    ("child 12"), for looking at what a run got wrong."""
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.utils import timezone

    from agencies.models import Agency, AgencyKind, Role, User, agency_group_name
    from benchmarks.loadgen.tables import Table
    from casework.models import Case, IdentitySection
    from matching.services import match_profiles_refresh

    public_id = uuid.uuid4()
    agency = Agency.objects.create(
        public_id=public_id,
        name="Matching benchmark",
        kind=AgencyKind.CHILD_WELFARE,
        jurisdiction="TX",
        group=Group.objects.create(name=agency_group_name(public_id)),
    )
    worker = User.objects.create(username=f"matching-{public_id}", agency=agency, role=Role.CASEWORKER)
    case_rows = Table(
        Case, ("id", "number", "pseudonym", "lead_agency", "created_by", "created_at", "updated_at")
    )
    identity_rows = Table(IdentitySection, ("case", "legal_name", "date_of_birth", "aliases"))
    now = timezone.now()
    case_ids = []
    for index, record in enumerate(records):
        case_id = uuid.uuid4()
        case_ids.append(case_id)
        case_rows.add(case_id, f"MB-{index:07d}", f"child {record.child}", agency.pk, worker.pk, now, now)
        identity_rows.add(case_id, record.legal_name, record.born, record.aliases)
    with transaction.atomic(), connection.cursor() as cursor:
        # Row triggers (history, deferred foreign-key checks) off while copying, as the load
        # generator does: every row refers to the one agency and user created above.
        cursor.execute("SET LOCAL session_replication_role = replica")
        case_rows.flush()
        identity_rows.flush()
    for start in range(0, len(case_ids), 5_000):
        match_profiles_refresh(case_ids=case_ids[start : start + 5_000])
    return case_ids


def measure(records: list[Record], case_ids: list[uuid.UUID], *, probes: int, rng: random.Random) -> dict:
    from django.db import connection

    from matching.selectors import Strength, possible_matches

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE matching_blockingkey; ANALYZE matching_identityprofile")
    child_of = {case_id: record.child for case_id, record in zip(case_ids, records, strict=True)}
    twins: dict[int, int] = {}
    for record in records:
        twins[record.child] = twins.get(record.child, 0) + 1
    found = {Strength.HIGH: [0, 0], Strength.MEDIUM: [0, 0]}  # [right, wrong]
    with_twin = recalled = recalled_high = 0
    seconds = []
    for case_id in rng.sample(case_ids, probes):
        started = time.perf_counter()
        matches = possible_matches(case_id=case_id)
        seconds.append(time.perf_counter() - started)
        child = child_of[case_id]
        same = [match for match in matches if child_of[match.case_id] == child]
        for match in matches:
            found[match.strength][0 if child_of[match.case_id] == child else 1] += 1
        if twins[child] > 1:
            with_twin += 1
            recalled += bool(same)
            recalled_high += any(match.strength == Strength.HIGH for match in same)
    high_right, high_wrong = found[Strength.HIGH]
    medium_right, medium_wrong = found[Strength.MEDIUM]
    return {
        "probes": probes,
        "probes_with_a_twin": with_twin,
        "high_found": high_right + high_wrong,
        "high_precision": high_right / max(high_right + high_wrong, 1),
        "medium_found": medium_right + medium_wrong,
        "medium_precision": medium_right / max(medium_right + medium_wrong, 1),
        "recall_high_or_medium": recalled / max(with_twin, 1),
        "recall_high": recalled_high / max(with_twin, 1),
        "ms_per_check": summary_ms(seconds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--probes", type=int, default=2_000)
    parser.add_argument("--duplicate-share", type=float, default=0.1, help="children recorded twice")
    parser.add_argument("--sibling-share", type=float, default=0.1, help="children with a sibling")
    parser.add_argument("--seed", type=int, default=18)
    options = parser.parse_args()
    setup_django()
    from casework.models import Case

    if Case.objects.exists():
        raise SystemExit("The benchmark needs a freshly migrated database without cases.")
    rng = random.Random(options.seed)
    records = generate(
        rng, cases=options.cases, duplicate_share=options.duplicate_share, sibling_share=options.sibling_share
    )
    started = time.monotonic()
    case_ids = load(records)
    print(f"{len(records)} cases loaded and keyed in {time.monotonic() - started:.1f} s", flush=True)
    for name, value in measure(records, case_ids, probes=options.probes, rng=rng).items():
        print(f"{name:>24}: {value:.3f}" if isinstance(value, float) else f"{name:>24}: {value}")


if __name__ == "__main__":
    main()
