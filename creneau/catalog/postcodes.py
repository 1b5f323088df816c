"""Which département a French postal address is in, from its five-digit postcode.

The competent prefect (and so the tribunal) is the one of the person's residence: a requête
against the wrong prefect is lost. The postcode tells the département in almost every case;
the exceptions (a few communes served by a neighbouring département's post office, a
domiciliation elsewhere) are why a person can confirm a case's département against its address.
"""

import re

_POSTCODE = re.compile(r"(?<!\d)\d{5}(?!\d)")
# Saint-Barthélemy and Saint-Martin kept Guadeloupe's postcodes (971xx) when they left it.
_COLLECTIVITIES = {"97133": "977", "97150": "978"}


def postcode_in(address: str) -> str:
    """The last five-digit postcode of an address (« 93100 »), ``""`` when there is none."""
    found = _POSTCODE.findall(address or "")
    return found[-1] if found else ""


def department_of_postcode(postcode: str) -> str | None:
    """« 93100 » → « 93 », « 20000 » → « 2A », « 97411 » → « 974 »; ``None`` if unknown."""
    if not re.fullmatch(r"\d{5}", postcode or ""):
        return None
    if postcode in _COLLECTIVITIES:
        return _COLLECTIVITIES[postcode]
    if postcode.startswith("97"):
        code = postcode[:3]
        return code if code in {"971", "972", "973", "974", "975", "976"} else None
    if postcode.startswith("20"):
        # Corsica: 200xx and 201xx are Corse-du-Sud, 202xx to 206xx Haute-Corse.
        return "2A" if postcode[2] in "01" else "2B"
    code = postcode[:2]
    return None if code in {"00", "96", "98", "99"} else code


def department_of_address(address: str) -> str | None:
    return department_of_postcode(postcode_in(address))
