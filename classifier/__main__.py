"""The command line: `python -m classifier fetch-data|train|evaluate|predict`."""

from classifier.cli import main

raise SystemExit(main())
