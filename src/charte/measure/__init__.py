"""Contact records and interval reports to interval KPIs, as Ibis expressions (DuckDB by default, Spark unchanged).

The pipeline has two steps. :func:`~charte.measure.interval_facts.facts_from_records` and
:func:`~charte.measure.interval_facts.facts_from_reports` turn either kind of input into the
same *additive* facts per activity and interval (counts and sums of seconds). Then
:func:`~charte.measure.kpis.kpis` rolls facts up (interval, day, week, month) and only then
divides, so a month's service level is the ratio of the month's sums, never a mean of
interval ratios.
"""
