"""Tables of learning_records."""
