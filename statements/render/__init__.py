"""Renderers: the statements as JSON, PDF, workbook and auditfile. They format; they
never read the books."""
