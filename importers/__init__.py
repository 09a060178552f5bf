"""beangulp importers for the finance team's daily input: bank statements (CAMT.053,
MT940), the custodian's statement, the payroll journal and the member invoicing.

Every importer keys deduplication on the source's own reference (metadata
``referentie``), never on a fuzzy match, and refuses a malformed file as a whole
with ``file:line: reason``.
"""
