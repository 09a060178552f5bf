# The front door: `make jaarverslag` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
YEAR ?= 2024
BOOKS ?= ledger/vereniging/main.beancount

.PHONY: venv jaarverslag check test clean

venv: $(STAMP)

# The PDF embeds DejaVu (Debian's fonts-dejavu-core); installed when missing.
FONT := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf

$(FONT):
	apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-dejavu-core

$(STAMP): pyproject.toml | $(FONT)
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

check: $(STAMP)
	$(VENV)/bin/vng check --books $(BOOKS)

jaarverslag: $(STAMP)
	$(VENV)/bin/vng check --books $(BOOKS)
	$(VENV)/bin/vng jaarverslag --year $(YEAR) --books $(BOOKS) --out out/$(YEAR)

test: $(STAMP)
	$(VENV)/bin/python -m pytest

clean:
	rm -rf out
