"""The layer every other one builds on: tasks, settings, errors, files, datasets, the manifest, reports, shared types."""
