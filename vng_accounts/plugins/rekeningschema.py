"""Every account with postings lands on exactly one line of its layout.

Checks the chart in the ``open`` directives (RGS code, line ids that exist in the
layout, one line per layout) and that no account with postings is left without a
line: such an amount would silently fall out of the jaarrekening.

    plugin "vng_accounts.plugins.rekeningschema"
"""

from __future__ import annotations

from typing import Any

from beancount.core import data

from vng_accounts.chart import group_only, read_chart, required_layout
from vng_accounts.errors import BooksError

__plugins__ = ("check_rekeningschema",)


def check_rekeningschema(
    entries: list[data.Directive], options_map: dict[str, Any]
) -> tuple[list[data.Directive], list[BooksError]]:
    chart, errors = read_chart(entries, options_map)
    group = group_only(entries)
    opens = {e.account: e for e in entries if isinstance(e, data.Open)}
    # each account with postings once, in the order of its first posting
    posted = dict.fromkeys(
        posting.account
        for entry in entries
        if isinstance(entry, data.Transaction)
        for posting in entry.postings
    )
    for account in posted:
        if account not in chart.accounts:
            continue
        layout = required_layout(account, options_map, group)
        if layout and chart.line_of(account, layout) is None:
            source = opens[account]
            message = (
                f"rekening {account} heeft boekingen maar geen regel in {layout.id} "
                f"(metadata '{layout.metadata_key}' op de open-regel)"
            )
            errors.append(BooksError(source.meta, message, source))
    return entries, errors
