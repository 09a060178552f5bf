from beancount.core import data
from beangulp import Importer

def extract_from_file(
    importer: Importer, filename: str, existing: data.Entries
) -> data.Entries: ...
