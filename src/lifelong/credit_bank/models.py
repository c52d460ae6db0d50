"""Tables of credit_bank."""
