"""The networks table: learners' own networks, their training progress and their trained models.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"

# A visitor has at most one network queued or training; the database holds to it even when two requests
# race (classifier/store/networks.py, ACTIVE).
ACTIVE = sa.text("status IN ('queued', 'running', 'stopping')")


def upgrade() -> None:
    op.create_table(
        "networks",
        sa.Column("id", sa.String(32), primary_key=True),  # uuid4().hex
        sa.Column("visitor_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(80), nullable=False, server_default=""),
        sa.Column("task", sa.String(32), nullable=False),
        sa.Column("settings", sa.Text, nullable=False),  # NetworkSettings.to_json()
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("message", sa.Text, nullable=True),
        # Seconds since the epoch (time.time()).
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("started_at", sa.Float, nullable=True),
        sa.Column("finished_at", sa.Float, nullable=True),
        sa.Column("heartbeat", sa.Float, nullable=True),
        sa.Column("stop_requested", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("progress", sa.Text, nullable=True),  # JSON
        sa.Column("parameters", sa.Integer, nullable=True),
        sa.Column("training_seconds", sa.Float, nullable=True),
        sa.Column("test_accuracy", sa.Float, nullable=True),
        sa.Column("metrics", sa.Text, nullable=True),  # JSON
        sa.Column("keras", sa.LargeBinary, nullable=True),
        sa.Column("tflite", sa.LargeBinary, nullable=True),
        sa.Column("on_board", sa.Boolean, nullable=False, server_default=sa.true()),
    )
    op.create_index("ix_networks_visitor_id", "networks", ["visitor_id"])
    op.create_index("ix_networks_status", "networks", ["status"])
    op.create_index(
        "ux_networks_one_active_per_visitor",
        "networks",
        ["visitor_id"],
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )


def downgrade() -> None:
    op.drop_table("networks")
