"""The command line: `python -m classifier fetch-data|make-sample|train|calibrate|evaluate|predict|tasks|model-table`."""

from classifier.cli import main

raise SystemExit(main())
