# Two commands on a fresh machine: `make demo` (the main job) and `make test`.
# Both build .venv from the pinned requirements.txt on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: demo test release check-release lab clean

demo: $(VENV)/.installed
	$(PY) -m course demo

test: $(VENV)/.installed
	$(PY) -m pytest -q tests

release: $(VENV)/.installed
	$(PY) -m course release

check-release: $(VENV)/.installed
	$(PY) -m course release --check

lab: $(VENV)/.installed
	cd release && ../$(VENV)/bin/jupyter lab

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

clean:
	rm -rf demo-output autograded/*/ feedback submitted gradebook.db ledger reports
