"""Example contracts a practitioner would recognise (``examples/`` in the repository).

``service-client-energie.yaml`` is the demo's default contract.
"""
