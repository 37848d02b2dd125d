"""Alembic's environment: migrate the connection a store hands over (classifier.store.database.Database)."""

from alembic import context

context.configure(connection=context.config.attributes["connection"], render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
