"""Alembic migrations of the corrections store (classifier/store.py); run when a store is opened."""
