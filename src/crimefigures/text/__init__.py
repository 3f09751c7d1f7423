"""Figure text: reading articles, parsing and extracting figures, the ledger of claims."""
