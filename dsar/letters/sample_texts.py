"""PURE: the staff texts of the sample letters, per language (dsar letters sample, goldens)."""

from __future__ import annotations

TEXTS = {
    "de": {
        "doubt": "Ihre Anfrage kam von einer E-Mail-Adresse, "
        "die in unseren Unterlagen nicht vorkommt.",
        "question": "Geht es Ihnen um Ihre Bestellungen und Zahlungen, um Ihre Anfragen an "
        "unseren Kundendienst oder um die Protokolle unserer Website aus den letzten fünf "
        "Jahren?",
        "provided": "Ihre Stammdaten und Ihr Newsletter-Abonnement finden Sie schon in der "
        "beigefügten Übersicht.",
        "needed": "Bitte nennen Sie uns Ihre Kundennummer "
        "und die Postleitzahl Ihrer Lieferanschrift.",
        "reasons": "Ihre Daten liegen in acht Systemen, darunter zwei, "
        "die ein Dienstleister für uns führt; dessen Auszug über "
        "12.500 € Umsatz aus fünf Jahren steht noch aus.",
        "changes": "Ihre Anschrift lautet jetzt: Große Straße 5, 10117 Berlin "
        "(vorher: Kleine Gasse 3).",
        "reason": "Die Prüfung hat ergeben, dass die gespeicherte Anschrift richtig ist.",
        "unidentified": "Die Anfrage kam von einer E-Mail-Adresse, die in unseren Unterlagen "
        "nicht vorkommt, und auf unsere Bitte um Ihre Kundennummer haben Sie nicht geantwortet.",
        "facts": "Sie haben seit dem 1. Januar insgesamt 26 gleichlautende Anträge gestellt; die "
        "letzte Auskunft erhielten Sie vor neun Tagen, seitdem hat sich nichts geändert.",
        "review": "Ihr Kundenkonto besteht seit zwei Monaten; die Prüfung hat richtig "
        "angewandt, was wir allen Kundinnen und Kunden gleich anbieten. Ihren Hinweis auf Ihre "
        "pünktlich bezahlten Rechnungen bei anderen Händlern können wir nicht prüfen.",
        "grounds": "Wir benötigen die Protokolle zur Aufklärung "
        "eines Betrugsversuchs mit Ihrem Konto.",
        "identifier": "Kundennummer K-100042",
        "change": "Alle Daten zu dieser Kundennummer sind zu löschen.",
        "not_transmitted_reason": "Der Empfänger bietet keine Schnittstelle zur Übernahme an.",
        "ineligible_reason": "Die Daten beruhen auf einer rechtlichen Verpflichtung.",
        "unnamed": "Welches Unternehmen eine Sendung oder Zahlung übernimmt, "
        "entscheidet sich erst bei jeder Bestellung.",
    },
    "en": {
        "doubt": "Your request came from an e-mail address that does not appear in our records.",
        "question": "Is your request about your orders and payments, your messages to our "
        "customer service, or our website's logs from the last five years?",
        "provided": "Your account details and your newsletter subscription are in the overview "
        "enclosed.",
        "needed": "Please tell us your customer number and the postcode of your delivery address.",
        "reasons": "Your data is held in eight systems, two of them run for us by a service "
        "provider, whose extract covering €12,500 of sales over five years is still outstanding.",
        "changes": "Your address is now: Große Straße 5, 10117 Berlin (before: Kleine Gasse 3).",
        "reason": "Our check showed that the stored address is correct.",
        "unidentified": "The request came from an e-mail address that is not in our records, and "
        "you did not answer when we asked for your customer number.",
        "facts": "You have sent 26 identical requests since 1 January; you received our last "
        "answer nine days ago and nothing has changed since.",
        "review": "Your customer account is two months old; the check applied correctly "
        "what we offer every customer alike. We cannot verify your point that you paid other "
        "shops' invoices on time.",
        "grounds": "We need the logs to investigate an attempted fraud involving your account.",
        "identifier": "Customer number K-100042",
        "change": "All data for this customer number is to be erased.",
        "not_transmitted_reason": "The recipient offers no interface for receiving the data.",
        "ineligible_reason": "The data is processed because of a legal obligation.",
        "unnamed": "Which company carries a parcel or handles a payment is decided anew for "
        "each order.",
    },
}


REFUSAL_REASONS = {
    "de": "Ihre Daten haben sich seit unserer letzten Auskunft nicht geändert; eine weitere "
    "Auskunft brächte Ihnen nichts Neues. In dieser Häufigkeit ist Ihr Antrag exzessiv.",
    "en": "Your data has not changed since our last answer; another one would tell you nothing "
    "new. At this frequency your request is excessive.",
}
