"""Use cases that change catalog data, one function each, keyword-only, in one transaction."""
