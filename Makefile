# Two commands on a fresh machine: `make demo` (the main job) and `make test`.
# Both build .venv from the pinned requirements.txt on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: demo test release check-release lab clean .debian-packages

demo: $(VENV)/.installed
	$(PY) -m course demo

test: .debian-packages $(VENV)/.installed
	$(PY) -m pytest -q tests

# Before the venv: npm comes from Debian.
.debian-packages:
	tools/debian-packages

release: $(VENV)/.installed
	$(PY) -m course release

check-release: $(VENV)/.installed
	$(PY) -m course release --check

# Students work in work/<assignment>/ (git-ignored), copied once from release/: `make release`
# may overwrite release/, never work/. As root, jupyter needs --allow-root.
lab: $(VENV)/.installed
	mkdir -p work
	for a in release/*/; do [ -e "work/$$(basename $$a)" ] || cp -r "$$a" work/; done
	cd work && ../$(VENV)/bin/jupyter lab $$([ "$$(id -u)" = 0 ] && echo --allow-root)

$(VENV)/.installed: requirements.txt package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@# MathJax, which draws the feedback pages' equations (course/equations.py); without node
	@# the pages keep their TeX source.
	if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent; \
	else echo "warning: no npm: feedback pages will show equations as TeX"; fi
	touch $@

clean:
	rm -rf demo-output autograded/*/ feedback submitted gradebook.db ledger reports grades.csv submissions.csv
