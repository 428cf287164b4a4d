"""An agent's daily tools inside a conversation: canned replies with placeholders filled
from the facts (``canned``), notes only agents see (``notes``) and transfer to another
agent or back to the queue with a note for whoever picks it up (``transfer``).
"""
