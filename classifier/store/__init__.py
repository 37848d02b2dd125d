"""The database: corrections, learners' networks, and the migrations that make and upgrade its schema."""
