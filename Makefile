# The two set-up commands: `make demo` (ingest data/raw into data/processed/saraban.db) and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
SYSTEM_PACKAGES := tesseract-ocr tesseract-ocr-tha tesseract-ocr-eng poppler-utils \
	fonts-tlwg-laksaman fonts-thai-tlwg libfribidi0 fontconfig
BROWSER_PACKAGES := chromium chromium-driver
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test system clean-db

# System packages, installed only when something is missing (Debian; root or sudo).
system:
	@if ! command -v tesseract >/dev/null || ! tesseract --list-langs 2>/dev/null | grep -qx tha \
	   || ! command -v pdftoppm >/dev/null || ! ls /usr/share/fonts/*/tlwg/Laksaman* >/dev/null 2>&1; then \
	  echo "installing system packages: $(SYSTEM_PACKAGES)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    --no-install-recommends $(SYSTEM_PACKAGES) >/dev/null; \
	fi
	@# The review page's tests drive a real headless chromium (tests/test_web_browser.py).
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  echo "installing system packages: $(BROWSER_PACKAGES)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    --no-install-recommends $(BROWSER_PACKAGES) >/dev/null; \
	fi

$(VENV)/.installed: pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[dev,postgres,dask]'
	touch $@

demo: system $(VENV)/.installed
	$(VENV)/bin/saraban ingest data/raw
	$(VENV)/bin/saraban summary
	$(VENV)/bin/saraban search --party มหาวิทยาลัยเชียงใหม่

test: system $(VENV)/.installed
	$(PY) -m pytest -n 2 -q

clean-db:
	rm -rf data/processed/saraban.db data/processed/quarantine
