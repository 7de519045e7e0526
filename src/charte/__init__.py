"""charte: the French contact-center outsourcing charters put to work.

Layers, bottom to top (an import-linter contract in ``pyproject.toml`` keeps them so):

- ``charte.domain``    pure values: money, calendar, legal constants, the contract and its clauses
- ``charte.workforce`` queueing math (Erlang B/C/A), staffing, the queue simulator
- ``charte.io``        files in and out: contract YAML, records (Parquet/CSV)
- ``charte.demo``, ``charte.reports``  the demo month and the reports a person opens
- ``charte.cli``       the ``charte`` command
"""

__version__ = "0.1.0"
