# The front door: `make jaarverslag` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
YEAR ?= 2024
BOOKS ?= ledger/vereniging/main.beancount

.PHONY: venv bytecode jaarverslag check test lint bench clean

venv: $(STAMP)

# Debian packages, installed when missing: DejaVu (embedded in the PDF), nginx (the
# proxy in front of Fava), openssl (password hashes), git (the books' audit trail),
# Chromium and its driver (the browser tests), LibreOffice Calc (recalculates the
# accountant's workbook in the tests).
FONT := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
DEBS := fonts-dejavu-core nginx-light openssl git chromium chromium-driver libreoffice-calc-nogui
SYSTEM := $(VENV)/.debian-packages

$(FONT):
	apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-dejavu-core

$(SYSTEM): Makefile
	@mkdir -p $(VENV)
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; fi
	touch $(SYSTEM)

$(STAMP): pyproject.toml | $(FONT)
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# the program's modules byte-compiled, as an installation compiles them (Python
# then reads them compiled, also where writing bytecode is switched off); only
# what changed since is compiled again
PACKAGES := vng vng_accounts statements importers bench
bytecode: $(STAMP)
	@$(VENV)/bin/python -m compileall -q $(PACKAGES)

check: bytecode
	$(VENV)/bin/vng check --books $(BOOKS)

jaarverslag: bytecode
	$(VENV)/bin/vng check --books $(BOOKS)
	$(VENV)/bin/vng jaarverslag --year $(YEAR) --books $(BOOKS) --out out/$(YEAR)

test: bytecode $(SYSTEM)
	$(VENV)/bin/python -m pytest

# the jaarrekening against bean-check and hledger at 10k and 100k posting lines, wall
# and CPU, median of ROUNDS rounds, and a save in Fava at the largest size; writes
# docs/performance.md and fails when a goal is missed. The 1M rows take ~half an hour:
# make bench SIZES=10k,100k,1m
SIZES ?= 10k,100k
ROUNDS ?= 3
bench: bytecode $(SYSTEM)
	@command -v hledger >/dev/null || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q hledger)
	$(VENV)/bin/python -m bench.meet --groottes $(SIZES) --rondes $(ROUNDS)

lint: $(STAMP)
	$(VENV)/bin/ruff check vng_accounts statements vng importers tests bench
	$(VENV)/bin/ruff format --check vng_accounts statements vng importers tests bench
	$(VENV)/bin/mypy

clean:
	rm -rf out
