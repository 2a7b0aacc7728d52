"""SMS through a GSM modem with Gammu: no Qt here."""
