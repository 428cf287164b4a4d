"""NLU helpers of the assistant, beside Rasa's own components.

- ``featurizer`` / ``embeddings``: the pretrained word-embedding featurizer that
  Rasa loads from config.yml. Only the Rasa server imports them: they need the
  ``tokenizers`` package and the weights in .cache/embeddings, and the action
  server starts without either.
- ``language``: which language a customer writes in (pure Python; the action
  server uses it).

Keep this file free of imports so that importing one module loads only that one.
"""
