"""Code that runs inside the Rasa server, besides the input channels (channels/)."""
