"""Website chat widget and demo store page for the Northwind assistant.

``python -m webchat`` serves ``/widget.js`` (one script tag puts the chat on any
page), its stylesheet and the demo store page. The widget talks to Rasa's
socket.io channel directly; this server never sees a conversation. The Rasa
side of that channel (a fix to its session rooms) is ``channels/socketio.py``.
"""
