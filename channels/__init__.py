"""Input channels of the Rasa server (imported by Rasa via credentials.yml)."""
