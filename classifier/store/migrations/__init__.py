"""Alembic migrations of the app's database (classifier/store/database.py), run when a store opens an older schema."""

# The newest migration's revision (versions/): a store whose database records it opens without importing
# Alembic. A test checks that it is Alembic's head.
HEAD_REVISION = "0002"
