# MLP from Scratch: build the book, test the library.
#
# Every target sets itself up on a fresh machine: a virtualenv in .venv with
# requirements.txt and this package (editable) installed, and Graphviz for the
# targets that draw graphs.  Run `make help` for the list.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# Reinstalled only when requirements.txt or pyproject.toml change.
STAMP  := $(VENV)/.installed

.PHONY: help book test browser reading-path torch-check tangle check bench clean distclean graphviz vendor-mathjax

help:
	@echo "make book       check, then build the book (strict) into _build/html/index.html"
	@echo "make test       check, then run the test suite (pytest)"
	@echo "make browser    open every page of the built book in headless Chromium (after make book)"
	@echo "make reading-path  after make book: prose words and code lines open on each page"
	@echo "make torch-check   install torch==2.13.0 (CPU) into .venv, run tests/test_vs_torch.py"
	@echo "make vendor-mathjax  re-create book/_extra/mathjax from the npm registry's mathjax@3.2.2"
	@echo "make tangle     regenerate code/ from the chapters in book/"
	@echo "make check      fail if code/ differs from what book/ tangles to"
	@echo "make bench      benchmarks: bench/run.py, with its baseline installed"
	@echo "make clean      remove _build/ (the HTML and the execution cache)"
	@echo "make distclean  clean, and remove the virtualenv .venv/"

book: check graphviz
	$(VENV)/bin/jupyter-book build . -W -n --keep-going
	@test -f _build/html/mathjax/tex-mml-chtml.js || \
	  { echo "error: _build/html/mathjax/ is missing: math would not render offline" >&2; exit 1; }
	@echo "The book is in _build/html/index.html"

test: check graphviz
	@rc=0; $(PY) -m pytest || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "error: pytest ran no tests" >&2; fi; \
	exit $$rc

# The built book in headless Chromium (browser/test_pages.py): math, images,
# links, console errors, no network. Needs `make book` first and the system's
# Chromium (/usr/bin/chromium, `apt-get install -y chromium`); screenshots go
# to _build/screenshots/.
browser: $(STAMP)
	$(PY) -m pytest browser

# What a reader sees with nothing expanded (browser/reading_path.py), against
# the goals of the reading path; fails when a goal is missed.
reading-path: $(STAMP)
	$(PY) browser/reading_path.py

# The optional cross-check against PyTorch. torch==2.13.0 is the CPU build;
# it is never in requirements.txt (the book and the tests do not need it).
# -rs lists skips, and a skip fails this target: it exists to run them.
torch-check: $(STAMP)
	$(PY) -m pip install --disable-pip-version-check --no-input torch==2.13.0
	@out=$$($(PY) -m pytest -rs code/tests/test_vs_torch.py 2>&1) || { echo "$$out"; exit 1; }; \
	echo "$$out"; if echo "$$out" | grep -q "skipped"; then \
	  echo "error: a PyTorch cross-check was skipped" >&2; exit 1; fi

# The book's own MathJax (math renders offline): the es5 build's files that the
# pages load, from the npm registry's package, checked against its checksum.
# To upgrade, change the version and the sha256 together.
MATHJAX_VERSION := 3.2.2
MATHJAX_SHA256  := 1b9c0a1c44df864e915690558e72adb9cc5203360daefd385084ced3b6c64c09
MATHJAX_FILES   := tex-mml-chtml.js ui a11y input/tex/extensions output/chtml/fonts/woff-v2 \
                   sre/mathmaps/base.json sre/mathmaps/en.json
vendor-mathjax:
	@command -v npm >/dev/null 2>&1 || { echo "error: npm is needed (apt-get install npm)" >&2; exit 1; }
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	(cd "$$tmp" && npm pack --silent mathjax@$(MATHJAX_VERSION) >/dev/null); \
	echo "$(MATHJAX_SHA256)  $$tmp/mathjax-$(MATHJAX_VERSION).tgz" | sha256sum -c --quiet || \
	  { echo "error: mathjax-$(MATHJAX_VERSION).tgz does not match its checksum" >&2; exit 1; }; \
	tar -xzf "$$tmp/mathjax-$(MATHJAX_VERSION).tgz" -C "$$tmp"; \
	rm -rf book/_extra/mathjax; mkdir -p book/_extra/mathjax; \
	cp "$$tmp/package/LICENSE" book/_extra/mathjax/; \
	(cd "$$tmp/package/es5" && cp -r --parents $(MATHJAX_FILES) "$(CURDIR)/book/_extra/mathjax/"); \
	echo "book/_extra/mathjax: MathJax $(MATHJAX_VERSION), $$(find book/_extra/mathjax -type f | wc -l) files"

tangle: $(STAMP)
	$(PY) -m literate tangle

check: $(STAMP)
	$(PY) -m literate check

# Benchmarks only: bench/requirements.txt holds the baseline they compare with.
bench: $(VENV)/.bench-installed
	$(PY) bench/run.py

$(VENV)/.bench-installed: bench/requirements.txt $(STAMP)
	$(PY) -m pip install --disable-pip-version-check --no-input -r bench/requirements.txt
	@touch $@

clean:
	rm -rf _build

distclean: clean
	rm -rf $(VENV)

# --- set-up -----------------------------------------------------------------

# The virtualenv.  bin/pip exists only once venv creation fully succeeded
# (Debian's python3 without python3-venv leaves a half-made .venv behind).
$(VENV)/bin/pip:
	@command -v $(PYTHON) >/dev/null 2>&1 || \
	  { echo "error: $(PYTHON) not found; install Python 3.10 or newer" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || \
	  { echo "error: Python 3.10 or newer is needed, $(PYTHON) is $$($(PYTHON) -V 2>&1)" >&2; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || \
	  { echo "error: $(PYTHON) cannot create virtualenvs; install venv support:" >&2; \
	    echo "  apt-get install -y python3-venv    (with sudo unless you are root)" >&2; exit 1; }
	@echo "Creating the virtualenv $(VENV) with $$($(PYTHON) -V 2>&1)"
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "error: '$(PYTHON) -m venv' failed; on Debian/Ubuntu: apt-get install -y python3-venv" >&2; exit 1; }

# Requirements, which end with the project itself (-e .: code/ and literate/
# are imported in place).  pip install -e . reads scratchgrad.__version__ from
# code/scratchgrad/__init__.py, which is committed (the tangler writes it from
# book/intro.md).
$(STAMP): requirements.txt pyproject.toml | $(VENV)/bin/pip
	$(PY) -m pip install --disable-pip-version-check --no-input -r requirements.txt
	@touch $@

# System Graphviz (the `dot` program) for the graph drawings.  Installed with
# apt-get as root or with passwordless sudo; otherwise we stop and say how.
graphviz:
	@if command -v dot >/dev/null 2>&1; then exit 0; fi; \
	os_id=""; if [ -r /etc/os-release ]; then os_id=$$(. /etc/os-release; echo "$${ID:-} $${ID_LIKE:-}"); fi; \
	case "$$(uname -s) $$os_id" in \
	  Darwin*)                       cmd="brew install graphviz"; mgr="" ;; \
	  *debian*|*ubuntu*)             cmd="sudo apt-get install graphviz"; mgr=apt ;; \
	  *fedora*|*rhel*|*centos*)      cmd="sudo dnf install graphviz"; mgr=dnf ;; \
	  *)                             cmd=""; mgr="" ;; \
	esac; \
	if [ "$$(id -u)" -eq 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
	else mgr=""; fi; \
	case "$$mgr" in \
	  apt) echo "Graphviz is missing: installing it with apt-get"; \
	       $$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q; \
	       $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q graphviz ;; \
	  dnf) echo "Graphviz is missing: installing it with dnf"; $$sudo dnf install -y graphviz ;; \
	  *)   echo "error: Graphviz (the 'dot' program) is not installed." >&2; \
	       if [ -n "$$cmd" ]; then echo "Install it with:  $$cmd" >&2; \
	       else echo "Install Graphviz from your system's package manager (https://graphviz.org/download/)." >&2; fi; \
	       exit 1 ;; \
	esac; \
	command -v dot >/dev/null 2>&1 || { echo "error: Graphviz install did not provide 'dot'" >&2; exit 1; }
