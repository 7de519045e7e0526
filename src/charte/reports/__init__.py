"""Reports a person opens: HTML pages with their figures and small charts."""
