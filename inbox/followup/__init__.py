"""Follow-up by email when nobody can answer in the chat soon: the SMTP settings and
sender (``mail``) and the agent's "reply by email" (``routes``)."""
