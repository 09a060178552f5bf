"""The importers as the Vereniging's books use them: which IBAN is which account,
where unmatched bank bookings wait, which accounts the payroll and the custodian
post to. Used by ``vng import`` and by Fava's import page (``fava_config.py``)."""

from __future__ import annotations

import beangulp

from importers.camt053 import Camt053Importer
from importers.effecten import EffectenImporter
from importers.leden import LedenImporter
from importers.mt940 import Mt940Importer
from importers.salaris import SalarisImporter

BANK_ACCOUNTS = {
    "NL00INGB0000000001": "Activa:LiquideMiddelen:Bank:ING",
    "NL00ABNA0000000002": "Activa:LiquideMiddelen:Bank:Spaarrekening",
    "NL00FVLB0000000003": "Activa:LiquideMiddelen:Bank:Effectenrekening",
}
TE_VERWERKEN = "Activa:Vorderingen:Overlopend:TeVerwerken"

PAYROLL = {
    "salarissen": "Lasten:Personeel:Salarissen",
    "sociale_lasten": "Lasten:Personeel:SocialeLasten",
    "pensioenlasten": "Lasten:Personeel:Pensioenlasten",
    "loonheffing": "Passiva:Kortlopend:Belastingen:Loonheffing",
    "pensioenen": "Passiva:Kortlopend:Belastingen:Pensioenen",
    "netto": "Passiva:Kortlopend:OverigeSchulden:Nettolonen",
}
WNT_KEYS = {"1001": "geluk", "1002": "jeroense"}

CUSTODIAN = {
    "effecten": "Activa:FinancieleVasteActiva:Effecten",
    "rekening": "Activa:LiquideMiddelen:Bank:Effectenrekening",
    "koersresultaat": "Baten:Financieel:OpbrengstEffecten:Koersresultaat",
    "dividend": "Baten:Financieel:OpbrengstEffecten:Dividend",
    "dividendbelasting": "Activa:Vorderingen:Belastingen:Dividendbelasting",
    "kosten": "Baten:Financieel:OpbrengstEffecten:Kosten",
}

MEMBERS = {
    "debiteuren": "Activa:Vorderingen:Handelsdebiteuren",
    "contributie": "Passiva:Kortlopend:Overlopend:VooruitGefactureerdeContributie",
    "ggu": "Passiva:Kortlopend:Overlopend:FondsGGU",
}


def importers() -> list[beangulp.Importer]:
    return [
        Camt053Importer(BANK_ACCOUNTS, TE_VERWERKEN),
        Mt940Importer(BANK_ACCOUNTS, TE_VERWERKEN),
        SalarisImporter(PAYROLL, WNT_KEYS),
        EffectenImporter(CUSTODIAN),
        LedenImporter(MEMBERS),
    ]


CONFIG = importers()
