"""The demo month: a realistic month of contact-center facts for an example contract."""
