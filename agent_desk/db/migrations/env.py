"""Alembic environment: always handed a live connection by agent_desk.db.migrate."""

from __future__ import annotations

from alembic import context

from agent_desk.db import models  # noqa: F401  (registers every table on Base.metadata)
from agent_desk.db.base import Base

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
