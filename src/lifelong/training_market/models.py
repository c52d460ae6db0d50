"""Tables of training_market."""
