"""Website chat widget and demo store page for the Northwind assistant.

``python -m webchat`` serves ``/widget.js`` (one script tag puts the chat on any
page), its stylesheet and the demo store page. The widget talks to Rasa's
socket.io channel directly; this server never sees a conversation.

``webchat.rasa_channel`` is different: it is loaded by the Rasa server (it fixes
the socket.io channel's session rooms) and is the only module here importing Rasa.
"""
