"""Discharge intake from the hospital information system (HIS).

Pluggable: a source (CSV/XLSX with a column mapping, HL7 v2 ADT files, the MLLP
listener) yields parsed events with their line or message number; a sink applies
each one in its own unit of work (agent_desk.services.intake). Qt-free, SQL-free.
"""
