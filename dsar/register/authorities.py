"""PURE: is the register's supervisory authority the one competent for the controller?

Art. 55 GDPR: the authority of the member state where the controller is established; in
Germany, for a private controller, the authority of its Land (§ 40 BDSG). A data subject may
complain to any authority (Art. 77), but the letters name the competent one.

The German authorities are told apart by their web sites (as in the Datenanfragen.de
supervisory-authority records, CC0, snapshot of 21 July 2026) and their cities
(docs/legal-rules.md 4.3). An authority the table does not know is not judged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dsar.register.problems import Finding

if TYPE_CHECKING:
    from dsar.register.schema import Register


@dataclass(frozen=True)
class GermanAuthority:
    land: str | None  # the Land code as the holidays package names it; None: federal
    name: str
    city: str
    hosts: tuple[str, ...]
    private: bool = True  # competent for private controllers of its Land


GERMAN_AUTHORITIES = (
    GermanAuthority(
        "BW", "LfDI Baden-Württemberg", "Stuttgart", ("baden-wuerttemberg.datenschutz.de",)
    ),
    GermanAuthority("BY", "BayLDA", "Ansbach", ("lda.bayern.de",)),
    GermanAuthority("BY", "BayLfD", "München", ("datenschutz-bayern.de",), private=False),
    GermanAuthority("BE", "BlnBDI", "Berlin", ("datenschutz-berlin.de",)),
    GermanAuthority("BB", "LDA Brandenburg", "Kleinmachnow", ("lda.brandenburg.de",)),
    GermanAuthority("HB", "LfDI Bremen", "Bremen", ("datenschutz.bremen.de",)),
    GermanAuthority(
        "HH", "HmbBfDI", "Hamburg", ("datenschutz-hamburg.de", "datenschutz.hamburg.de")
    ),
    GermanAuthority("HE", "HBDI", "Wiesbaden", ("datenschutz.hessen.de",)),
    GermanAuthority("MV", "LfDI M-V", "Schwerin", ("datenschutz-mv.de",)),
    GermanAuthority("NI", "LfD Niedersachsen", "Hannover", ("lfd.niedersachsen.de",)),
    GermanAuthority("NW", "LDI NRW", "Düsseldorf", ("ldi.nrw.de",)),
    GermanAuthority("RP", "LfDI Rheinland-Pfalz", "Mainz", ("datenschutz.rlp.de",)),
    GermanAuthority(
        "SL",
        "Unabhängiges Datenschutzzentrum Saarland",
        "Saarbrücken",
        ("datenschutz.saarland.de",),
    ),
    GermanAuthority(
        "SN",
        "Sächsische Datenschutz- und Transparenzbeauftragte",
        "Dresden",
        ("datenschutz.sachsen.de",),
    ),
    GermanAuthority("ST", "LfD Sachsen-Anhalt", "Magdeburg", ("datenschutz.sachsen-anhalt.de",)),
    GermanAuthority("SH", "ULD", "Kiel", ("datenschutzzentrum.de",)),
    GermanAuthority("TH", "TLfDI", "Erfurt", ("tlfdi.de",)),
    GermanAuthority(None, "BfDI", "Bonn", ("bfdi.bund.de",), private=False),
)


def competent_authority_findings(register: Register) -> list[Finding]:
    """The authority is of another member state, or (DE) of another Land or not for private
    controllers."""
    authority = register.supervisory_authority
    established = register.controller.address.country
    country = authority.address.country
    if country != established:
        return [
            Finding(
                "supervisory_authority.address.country",
                f"the authority is in {country}, the controller is established in {established} "
                "(controller.address.country): the competent authority is one of the member "
                "state of establishment (Art. 55 GDPR). A data subject may complain to any "
                "authority (Art. 77), but the letters name the competent one",
            )
        ]
    land = register.jurisdiction.subdivision
    if country != "DE" or register.jurisdiction.country != "DE" or land is None:
        return []
    named = _german_authority(authority.web, authority.address.city)
    if named is None:
        return []
    competent = next(a for a in GERMAN_AUTHORITIES if a.land == land and a.private)
    if named.land is not None and named.land != land:
        return [
            Finding(
                "supervisory_authority",
                f"{named.name} ({named.city}) is the authority of the Land {named.land}; the "
                f"controller acts in {land} (jurisdiction.subdivision), where the competent "
                f"authority is {competent.name}, {competent.city} (Art. 55 GDPR, § 40 BDSG)",
            )
        ]
    if not named.private:
        return [
            Finding(
                "supervisory_authority",
                f"{named.name} ({named.city}) supervises public bodies"
                + (" and telecommunications and postal services" if named.land is None else "")
                + f"; for a private controller in {land} the competent authority is "
                f"{competent.name}, {competent.city} (§ 40 BDSG): check which applies",
                "warning",
            )
        ]
    return []


def _german_authority(web: str, city: str) -> GermanAuthority | None:
    """The table's authority with this web site, else the only one in this city, else None."""
    host = re.sub(r"^https?://(www\.)?", "", web.lower()).split("/")[0]
    for authority in GERMAN_AUTHORITIES:
        if any(host == h or host.endswith("." + h) for h in authority.hosts):
            return authority
    in_city = [a for a in GERMAN_AUTHORITIES if a.city == city]
    return in_city[0] if len(in_city) == 1 else None
