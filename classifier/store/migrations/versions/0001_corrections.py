"""The corrections table.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("session_id", sa.String(64), nullable=False),
        sa.Column("task", sa.String(32), nullable=False),
        sa.Column("model", sa.String(16), nullable=False),
        sa.Column("model_digest", sa.String(64), nullable=False),
        sa.Column("predicted", sa.Integer, nullable=False),
        sa.Column("label", sa.Integer, nullable=False),
        sa.Column("image28", sa.LargeBinary, nullable=False),
        sa.Column("drawing_png", sa.LargeBinary, nullable=True),
    )
    op.create_index("ix_corrections_session_id", "corrections", ["session_id"])
    op.create_index("ix_corrections_task", "corrections", ["task"])


def downgrade() -> None:
    op.drop_table("corrections")
