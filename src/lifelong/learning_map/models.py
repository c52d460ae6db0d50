"""Tables of learning_map."""
