"""crimefigures: cited, hedge-aware figures from reporting on organized crime.

The modules follow the data's flow: raw text -> ledger -> cleaned figures ->
analyses -> figures -> reports.
"""

__version__ = "0.1.0"
