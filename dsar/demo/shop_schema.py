"""The demo shop's tables as dsar/demo/register.yaml declares them, lookup columns indexed."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)


def shop_metadata() -> MetaData:
    """The shop's schema; lookup columns (email, customer_number, *_id) carry an index."""
    metadata = MetaData()
    Table(
        "customers", metadata,
        Column("id", Integer, primary_key=True),
        Column("customer_number", String(16), nullable=False, unique=True),
        Column("email", String(320), nullable=True, index=True),
        Column("first_name", String(100), nullable=False),
        Column("last_name", String(100), nullable=False),
        Column("street", String(200), nullable=False),
        Column("postcode", String(10), nullable=False),
        Column("city", String(100), nullable=False),
        Column("phone", String(40)),
        Column("birth_date", Date),
        Column("created_at", DateTime, nullable=False),
        Column("marketing_opt_in", Boolean, nullable=False),
        Column("restricted", Boolean, nullable=False, default=False),  # Art. 18
    )  # fmt: skip
    Table(
        "orders", metadata,
        Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
        Column("customer_id", ForeignKey("customers.id"), nullable=False, index=True),
        Column("ordered_at", DateTime, nullable=False),
        Column("total_cents", Integer, nullable=False),
        Column("status", String(20), nullable=False),
        Column("shipping_address", Text, nullable=False),
        Column("carrier", String(40)),  # who delivered it; null while not shipped
    )  # fmt: skip
    Table(
        "invoices", metadata,
        Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
        Column("order_id", ForeignKey("orders.id"), nullable=False, index=True),
        Column("invoice_number", String(20), nullable=False, unique=True),
        Column("issued_at", DateTime, nullable=False),
        Column("amount_cents", Integer, nullable=False),
    )  # fmt: skip
    Table(
        "newsletter_subscriptions", metadata,
        Column("id", Integer, primary_key=True),
        Column("email", String(320), nullable=False, index=True),
        Column("subscribed_at", DateTime, nullable=False),
        Column("confirmed_at", DateTime),
        Column("consent_text", Text, nullable=False),
    )  # fmt: skip
    Table(
        "contact_messages", metadata,
        Column("id", Integer, primary_key=True),
        Column("email", String(320), nullable=False, index=True),
        Column("name", String(200), nullable=False),
        Column("message", Text, nullable=False),
        Column("received_at", DateTime, nullable=False),
        Column("answered_at", DateTime),
    )  # fmt: skip
    Table(
        "support_tickets", metadata,
        Column("id", Integer, primary_key=True),
        Column("customer_id", ForeignKey("customers.id"), nullable=False, index=True),
        Column("subject", String(200), nullable=False),
        Column("body", Text, nullable=False),
        Column("opened_at", DateTime, nullable=False),
        Column("closed_at", DateTime),
    )  # fmt: skip
    Table(
        "web_logs", metadata,
        Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
        Column("customer_id", ForeignKey("customers.id"), nullable=True, index=True),
        Column("ip_address", String(45), nullable=False),
        Column("path", String(500), nullable=False),
        Column("user_agent", String(500), nullable=False),
        Column("logged_at", DateTime, nullable=False),
    )  # fmt: skip
    return metadata
