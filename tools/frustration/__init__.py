"""The frustration detector's offline tools: replay, fit, fit-text and evaluate.

Kept out of `actions/` because rasa_sdk imports that package whole at start-up
(issue 14); the runtime scoring they drive stays in `actions.frustration`.
"""
