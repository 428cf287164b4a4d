"""The warm handoff: summary, redaction, delivery to the inbox, pause and hand-back."""
