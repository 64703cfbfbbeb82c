from typing import Any


def referrals_demo_load(people: Any) -> None:
    raise NotImplementedError
