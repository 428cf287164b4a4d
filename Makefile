# The two commands a newcomer needs are `make run` and `make test`.
.PHONY: help run test lint format train seed lock bench load clean

help:  ## list the targets
	@grep -E '^[a-z]+:.*## ' Makefile | sed 's/:.*## /\t/'

run:  ## set up everything and run the whole system (Ctrl-C stops it)
	bash scripts/run

test:  ## run every test (validation, NLU, stories, pytest incl. end-to-end and browser)
	bash scripts/test

lint:  ## ruff (lint + format check) and mypy; CI runs it before the tests
	bash scripts/lint

format:  ## rewrite the tree in the project's style (ruff format + safe fixes)
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

train:  ## train the model if the data changed
	bash scripts/bootstrap.sh && bash scripts/train.sh

seed:  ## rebuild the demo order database
	bash scripts/bootstrap.sh && . scripts/env.sh && .venv/bin/python -m tools.orders.seed

bench:  ## run the benchmarks and rewrite docs/benchmarks.md
	bash scripts/bench

load:  ## N customers over socket.io at a human pace: latency, throughput, memory (LOAD_ARGS="--find-capacity", "--replicas 2 --kill-replica-at 20", "--compare-bare": against a bare rasa init bot, same run, ratios)
	bash scripts/bootstrap.sh && bash scripts/train.sh && . scripts/env.sh && .venv/bin/python scripts/load.py $(LOAD_ARGS)

lock:  ## re-pin requirements.lock from the current virtual environment
	.venv/bin/pip freeze --all --exclude pip --exclude-editable > requirements.lock

clean:  ## remove runtime data, results and the trained model
	rm -rf var results test-output models/*.tar.gz models/.northwind.fingerprint
