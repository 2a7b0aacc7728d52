"""Use cases the UI and the CLI share: Qt-free, SQL-free, one unit of work each."""
