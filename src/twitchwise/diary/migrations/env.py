"""Alembic environment, run programmatically by `twitchwise.diary._store.migrate` on open.

The caller passes an open connection (already inside a locked transaction) in
`config.attributes["connection"]`, so concurrent first opens cannot migrate twice.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from twitchwise.diary._models import Base

connection: Connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
