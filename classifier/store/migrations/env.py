"""Alembic's environment: migrate the connection the store hands over (classifier.store.corrections.CorrectionStore)."""

from alembic import context

context.configure(connection=context.config.attributes["connection"], render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
