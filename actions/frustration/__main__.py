"""`python -m actions.frustration ...` (guarded: rasa_sdk imports this module at start-up)."""

if __name__ == "__main__":
    import sys

    from actions.frustration.cli import main

    sys.exit(main())
