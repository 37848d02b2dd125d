"""Alembic migrations of the corrections store (classifier/store/corrections.py), run when a store opens an older schema."""

# The newest migration's revision (versions/): a store whose database records it opens without importing
# Alembic. A test checks that it is Alembic's head.
HEAD_REVISION = "0001"
