"""Lifelong: the lifelong-learning public-service platform of a city."""
