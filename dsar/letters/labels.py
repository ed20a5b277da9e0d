"""Fixed wording the letters share: legal bases, transfer safeguards, restriction grounds."""

from __future__ import annotations

LEGAL_BASES: dict[str, dict[str, str]] = {
    "de": {
        "6.1.a": "Einwilligung (Art. 6 Abs. 1 lit. a DSGVO)",
        "6.1.b": "Vertrag oder vorvertragliche Maßnahmen (Art. 6 Abs. 1 lit. b DSGVO)",
        "6.1.c": "rechtliche Verpflichtung (Art. 6 Abs. 1 lit. c DSGVO)",
        "6.1.d": "lebenswichtige Interessen (Art. 6 Abs. 1 lit. d DSGVO)",
        "6.1.e": "öffentliche Aufgabe (Art. 6 Abs. 1 lit. e DSGVO)",
        "6.1.f": "berechtigte Interessen (Art. 6 Abs. 1 lit. f DSGVO)",
    },
    "en": {
        "6.1.a": "consent (Art. 6(1)(a) GDPR)",
        "6.1.b": "contract or pre-contractual steps (Art. 6(1)(b) GDPR)",
        "6.1.c": "legal obligation (Art. 6(1)(c) GDPR)",
        "6.1.d": "vital interests (Art. 6(1)(d) GDPR)",
        "6.1.e": "public task (Art. 6(1)(e) GDPR)",
        "6.1.f": "legitimate interests (Art. 6(1)(f) GDPR)",
    },
}

SAFEGUARDS: dict[str, dict[str, str]] = {
    "de": {
        "adequacy_decision": "Angemessenheitsbeschluss der EU-Kommission (Art. 45 DSGVO)",
        "standard_contractual_clauses": "EU-Standardvertragsklauseln (Art. 46 Abs. 2 lit. c DSGVO)",
        "binding_corporate_rules": "verbindliche interne Datenschutzvorschriften (Art. 47 DSGVO)",
        "derogation_art_49": "Ausnahme für bestimmte Fälle (Art. 49 DSGVO)",
    },
    "en": {
        "adequacy_decision": "adequacy decision of the EU Commission (Art. 45 GDPR)",
        "standard_contractual_clauses": "EU standard contractual clauses (Art. 46(2)(c) GDPR)",
        "binding_corporate_rules": "binding corporate rules (Art. 47 GDPR)",
        "derogation_art_49": "derogation for specific situations (Art. 49 GDPR)",
    },
}

RESTRICTION_GROUNDS: dict[str, dict[str, str]] = {
    "de": {
        "18.1.a": "Sie bestreiten die Richtigkeit der Daten; die Einschränkung gilt, bis wir "
        "die Richtigkeit geprüft haben (Art. 18 Abs. 1 lit. a DSGVO).",
        "18.1.b": "Die Verarbeitung ist unrechtmäßig, und Sie wünschen statt der Löschung die "
        "Einschränkung (Art. 18 Abs. 1 lit. b DSGVO).",
        "18.1.c": "Wir benötigen die Daten nicht mehr, Sie benötigen sie aber zur Geltendmachung, "
        "Ausübung oder Verteidigung von Rechtsansprüchen (Art. 18 Abs. 1 lit. c DSGVO).",
        "18.1.d": "Sie haben Widerspruch nach Art. 21 Abs. 1 DSGVO eingelegt; die Einschränkung "
        "gilt, bis feststeht, ob unsere berechtigten Gründe überwiegen "
        "(Art. 18 Abs. 1 lit. d DSGVO).",
    },
    "en": {
        "18.1.a": "You contest the accuracy of the data; the restriction applies until we have "
        "verified it (Art. 18(1)(a) GDPR).",
        "18.1.b": "The processing is unlawful and you asked for restriction instead of erasure "
        "(Art. 18(1)(b) GDPR).",
        "18.1.c": "We no longer need the data, but you need it to establish, exercise or defend "
        "legal claims (Art. 18(1)(c) GDPR).",
        "18.1.d": "You objected under Art. 21(1) GDPR; the restriction applies until it is "
        "settled whether our legitimate grounds override yours (Art. 18(1)(d) GDPR).",
    },
}

RECIPIENT_ACTIONS: dict[str, dict[str, str]] = {
    "de": {
        "rectify": "Berichtigung (Art. 16 DSGVO)",
        "erase": "Löschung (Art. 17 DSGVO)",
        "restrict": "Einschränkung der Verarbeitung (Art. 18 DSGVO)",
    },
    "en": {
        "rectify": "rectification (Art. 16 GDPR)",
        "erase": "erasure (Art. 17 GDPR)",
        "restrict": "restriction of processing (Art. 18 GDPR)",
    },
}

REQUEST_TYPES: dict[str, dict[str, str]] = {
    "de": {
        "access": "Auskunft (Art. 15 DSGVO)",
        "rectification": "Berichtigung (Art. 16 DSGVO)",
        "erasure": "Löschung (Art. 17 DSGVO)",
        "restriction": "Einschränkung der Verarbeitung (Art. 18 DSGVO)",
        "portability": "Datenübertragbarkeit (Art. 20 DSGVO)",
        "objection": "Widerspruch (Art. 21 DSGVO)",
        "consent_withdrawal": "Widerruf einer Einwilligung (Art. 7 Abs. 3 DSGVO)",
    },
    "en": {
        "access": "access (Art. 15 GDPR)",
        "rectification": "rectification (Art. 16 GDPR)",
        "erasure": "erasure (Art. 17 GDPR)",
        "restriction": "restriction of processing (Art. 18 GDPR)",
        "portability": "data portability (Art. 20 GDPR)",
        "objection": "objection (Art. 21 GDPR)",
        "consent_withdrawal": "withdrawal of consent (Art. 7(3) GDPR)",
    },
}


def safeguard_label(language: str, safeguard: str) -> str:
    return SAFEGUARDS[language].get(safeguard, safeguard)


def legal_basis_label(language: str, basis: str) -> str:
    return LEGAL_BASES[language].get(basis, basis)


# German names a request by what it is: "Ihr Antrag auf Auskunft nach Art. 15 DSGVO", "Ihr
# Widerspruch nach Art. 21 DSGVO" (all three nouns masculine: er, ihn, ihm). Per type: the
# noun, its genitive, and the rest of the phrase.
GERMAN_REQUESTS: dict[str, tuple[str, str, str]] = {
    "access": ("Antrag", "Antrags", "auf Auskunft nach Art. 15 DSGVO"),
    "rectification": ("Antrag", "Antrags", "auf Berichtigung nach Art. 16 DSGVO"),
    "erasure": ("Antrag", "Antrags", "auf Löschung nach Art. 17 DSGVO"),
    "restriction": ("Antrag", "Antrags", "auf Einschränkung der Verarbeitung nach Art. 18 DSGVO"),
    "portability": ("Antrag", "Antrags", "auf Datenübertragbarkeit nach Art. 20 DSGVO"),
    "objection": ("Widerspruch", "Widerspruchs", "nach Art. 21 DSGVO"),
    "consent_withdrawal": ("Widerruf", "Widerrufs", "Ihrer Einwilligung nach Art. 7 Abs. 3 DSGVO"),
}
_ARTICLES = {"nom": "Ihr", "acc": "Ihren", "dat": "Ihrem", "gen": "Ihres"}


def german_request(request_type: str, case: str = "nom", *, short: bool = False) -> str:
    """'Ihren Antrag auf Löschung nach Art. 17 DSGVO' (case acc); short: 'Ihren Antrag'."""
    noun, genitive, rest = GERMAN_REQUESTS.get(request_type, ("Antrag", "Antrags", ""))
    words = [_ARTICLES[case], genitive if case == "gen" else noun]
    return " ".join(words + ([rest] if rest and not short else []))
