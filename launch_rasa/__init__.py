"""``python -m launch_rasa run …``: Rasa's CLI with the secrets and CORS from the environment.

``rasa run --auth-token <token>`` shows the token to anyone who can run ``ps``
(``/proc/<pid>/cmdline`` is world-readable). This launcher takes the token from
``RASA_TOKEN`` and the allowed browser origins from ``RASA_CORS_ORIGINS`` and hands
them to Rasa's own command line *inside* the process, so the kernel's copy of the
command line never holds them. Everything else is passed to ``rasa`` unchanged.
"""
