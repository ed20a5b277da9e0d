"""The demo shop's rows: customers, orders, invoices, newsletter, messages, tickets, web logs.

Deterministic: one seed, so the same rows on SQLite and PostgreSQL and stable demo exports.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

# Every HEAVY-th customer has many rows: long order histories and web logs.
HEAVY = 60
EPOCH = datetime(2024, 1, 1, 8, 0)  # naive: the shop stores UTC without a zone
FIRST_NAMES = (
    "Zoë",
    "Jonas",
    "Anna",
    "Liam",
    "Fatma",
    "Sofia",
    "Mats",
    "Élodie",
    "Jędrzej",
    "Taro",
)
LAST_NAMES = ("Schmidt", "Becker", "Müller", "O'Brien", "Yılmaz", "Rossi", "Andersson", "Martin")
CITIES = (("10115", "Berlin"), ("20095", "Hamburg"), ("80331", "München"), ("50667", "Köln"))
PATHS = ("/", "/products", "/products/42", "/cart", "/checkout", "/account", "/help")
AGENTS = ("Mozilla/5.0 (X11; Linux x86_64) Firefox/124.0", "Mozilla/5.0 (iPhone) Safari/17.4")
CONSENT = "Ja, ich möchte den Newsletter mit Angeboten per E-Mail erhalten (Widerruf jederzeit)."


def customer_number(index: int) -> str:
    """K-100001 for the first customer: the pattern the demo register's lookup key accepts."""
    return f"K-{100000 + index:06d}"


def customer_email(index: int) -> str:
    return f"kunde{index:03d}@example.org"


def shop_rows(subjects: int) -> Iterator[tuple[str, Iterator[dict[str, Any]]]]:
    """Each table's name with its rows, in an order the foreign keys allow."""
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    customers = [_customer(rng, i) for i in range(1, subjects + 1)]
    yield "customers", iter(customers)
    orders: list[dict[str, Any]] = []
    for c in customers:
        many = c["id"] % HEAVY == 0
        for _ in range(rng.randint(40, 60) if many else rng.randint(1, 4)):
            orders.append(_order(rng, c, len(orders) + 1))
    yield "orders", iter(orders)
    yield "invoices", (_invoice(rng, o) for o in orders if o["status"] != "cancelled")
    yield "newsletter_subscriptions", _subscriptions(rng, customers)
    yield "contact_messages", _messages(rng, customers)
    yield "support_tickets", _tickets(rng, customers)
    yield "web_logs", _logs(rng, customers)


def _moment(rng: random.Random, days: int = 700) -> datetime:
    return EPOCH + timedelta(days=rng.randint(0, days), minutes=rng.randint(0, 24 * 60 - 1))


def _customer(rng: random.Random, index: int) -> dict[str, Any]:
    postcode, city = rng.choice(CITIES)
    return {
        "id": index,
        "customer_number": customer_number(index),
        "email": customer_email(index),
        "first_name": rng.choice(FIRST_NAMES),
        "last_name": rng.choice(LAST_NAMES),
        "street": f"Musterweg {rng.randint(1, 120)}",
        "postcode": postcode,
        "city": city,
        "phone": f"+49 30 {rng.randint(1000000, 9999999)}" if rng.random() < 0.7 else None,
        "birth_date": date(1950, 1, 1) + timedelta(days=rng.randint(0, 18000)),
        "created_at": _moment(rng, 200),
        "marketing_opt_in": index % 2 == 0,  # no draw: every other value stays as it was
        "restricted": False,
    }


def _order(rng: random.Random, customer: dict[str, Any], order_id: int) -> dict[str, Any]:
    address = f"{customer['street']}, {customer['postcode']} {customer['city']}"
    order: dict[str, Any] = {
        "id": order_id,
        "customer_id": customer["id"],
        "ordered_at": _moment(rng),
        "total_cents": rng.randint(499, 49999),
        "status": rng.choice(("delivered", "delivered", "delivered", "shipped", "cancelled")),
        "shipping_address": address,
    }
    order["carrier"] = None if order["status"] == "cancelled" else "Paket-Express"
    return order


def _invoice(rng: random.Random, order: dict[str, Any]) -> dict[str, Any]:
    issued = order["ordered_at"] + timedelta(hours=rng.randint(1, 48))
    return {
        "id": order["id"],
        "order_id": order["id"],
        "invoice_number": f"RE-{issued.year}-{order['id']:06d}",
        "issued_at": issued,
        "amount_cents": order["total_cents"],
    }


def _subscriptions(rng: random.Random, customers: list[dict[str, Any]]) -> Iterator[dict]:
    emails = [c["email"] for c in customers if c["id"] % 3 == 0]
    emails += [f"leser{i:03d}@example.net" for i in range(1, 41)]  # subscribers, not customers
    for number, email in enumerate(emails, 1):
        subscribed = _moment(rng)
        confirmed = subscribed + timedelta(minutes=rng.randint(2, 600))
        yield {
            "id": number,
            "email": email,
            "subscribed_at": subscribed,
            "confirmed_at": confirmed if rng.random() < 0.9 else None,
            "consent_text": CONSENT,
        }


def _messages(rng: random.Random, customers: list[dict[str, Any]]) -> Iterator[dict]:
    number = 0
    for c in customers:
        if c["id"] % 7 and c["id"] % HEAVY:
            continue
        for _ in range(2 if c["id"] % HEAVY == 0 else 1):
            number += 1
            received = _moment(rng)
            yield {
                "id": number,
                "email": c["email"],
                "name": f"{c['first_name']} {c['last_name']}",
                "message": f"Frage zu Bestellung Nr. {rng.randint(1, 900)}: wann wird geliefert?",
                "received_at": received,
                "answered_at": received + timedelta(hours=rng.randint(1, 72)),
            }


def _tickets(rng: random.Random, customers: list[dict[str, Any]]) -> Iterator[dict]:
    number = 0
    for c in customers:
        count = 12 if c["id"] % HEAVY == 0 else (1 if c["id"] % 5 == 2 else 0)
        for _ in range(count):
            number += 1
            opened = _moment(rng)
            yield {
                "id": number,
                "customer_id": c["id"],
                "subject": rng.choice(("Lieferung verspätet", "Artikel defekt", "Rücksendung")),
                "body": "Guten Tag, bitte helfen Sie mir weiter. <Danke> & Grüße",
                "opened_at": opened,
                "closed_at": opened + timedelta(days=rng.randint(1, 9)),
            }


def _logs(rng: random.Random, customers: list[dict[str, Any]]) -> Iterator[dict]:
    number = 0
    for c in customers:
        count = 400 if c["id"] % HEAVY == 0 else rng.randint(0, 6)
        for _ in range(count):
            number += 1
            yield {
                "id": number,
                "customer_id": c["id"],
                "ip_address": f"203.0.113.{rng.randint(1, 254)}",
                "path": rng.choice(PATHS),
                "user_agent": rng.choice(AGENTS),
                "logged_at": _moment(rng),
            }
