"""Verifiable credentials of the credit bank (Open Badges 3.0, CLR 2.0, Data Integrity)."""
