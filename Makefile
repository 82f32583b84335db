### collective.nrlabel — developer and demo commands.
# `make start`: a French Classic-UI Plone site with the add-on and demo content.
# `make test`:  the whole test suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8080
SITE ?= Plone
SITE_LANGUAGE ?= fr
PYTEST_ARGS ?=

ZOPE_CONF := $(CURDIR)/instance/etc/zope.conf
INSTALL_STAMP := $(VENV)/.installed
XML_FILES = $(shell find src -name '*.xml' -o -name '*.zcml' | sort)

.PHONY: help
help: ## Show this help
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "Python 3.10+ is needed"'
	$(PYTHON) -m venv $(VENV)

$(INSTALL_STAMP): $(BIN)/python setup.py constraints.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt pip setuptools wheel
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[test,lint,zeo,relstorage]"
	touch $@

.PHONY: install
install: $(INSTALL_STAMP) ## Create the venv and install the add-on from the pinned constraints.txt

instance/etc/zope.conf: etc/zope.conf.in etc/storage-filestorage.conf
	mkdir -p instance/etc var/log var/filestorage var/blobstorage var/cache
	sed -e 's|@ROOT@|$(CURDIR)|g' -e 's|@STORAGE_CONF@|$(CURDIR)/etc/storage-filestorage.conf|g' $< > $@

instance/etc/site.zcml: etc/site.zcml
	mkdir -p instance/etc
	cp $< $@

# One zope.ini per port, with its own logs (var/log/instance-PORT.*.log): `make site`
# does not rewrite it, so `make start PORT=8090` then `make site` keeps port 8090.
ZOPE_INI := instance/etc/zope-instance-$(PORT).ini
.PHONY: $(ZOPE_INI)
$(ZOPE_INI): etc/zope.ini.in
	mkdir -p instance/etc
	sed -e 's|@ROOT@|$(CURDIR)|g' -e 's|@HOST@|$(HOST)|g' -e 's|@PORT@|$(PORT)|g' \
		-e 's|@PROCESS@|instance-$(PORT)|g' -e 's|@ROOT_HANDLERS@|console, eventlog|g' -e 's|@ZOPE_CONF@|$(ZOPE_CONF)|g' $< > $@

.PHONY: instance
instance: $(INSTALL_STAMP) instance/etc/zope.conf instance/etc/site.zcml ## Write the Zope instance configuration (data stays in var/)

.PHONY: site
site: instance ## Create the Plone site with the add-on and demo content (first run only)
	$(BIN)/nrlabel --zope-conf $(ZOPE_CONF) --site $(SITE) setup-site --language $(SITE_LANGUAGE) --demo

.PHONY: start
start: site $(ZOPE_INI) ## Install, create the demo site on first run, and serve it on http://127.0.0.1:8080
	@echo "Serving http://$(HOST):$(PORT)/$(SITE) — stop with Ctrl-C. Demo logins: make demo-users"
	$(BIN)/runwsgi $(ZOPE_INI)

# -- More than one Zope process on shared data (docs/install.md, "Production") -------
# scripts/cluster.py writes instance/etc/{zeo.conf,zope-<storage>-<port>.conf,.ini}
# from etc/*.in, starts the server and the clients, and stops them all on Ctrl-C.
ZEO_ADDRESS ?= 127.0.0.1:8100
CLIENT_PORTS ?= 8080,8081
BLOB_CACHE_SIZE ?= 500MB
PG_DSN ?=
CLUSTER = $(BIN)/python scripts/cluster.py --ports $(CLIENT_PORTS) --host $(HOST) \
	--zeo-address $(ZEO_ADDRESS) --blob-cache-size $(BLOB_CACHE_SIZE) --site $(SITE) \
	--language $(SITE_LANGUAGE)
.PHONY: start-zeo
start-zeo: $(INSTALL_STAMP) ## A ZEO server (var/filestorage, as make start) and two clients on 8080 and 8081
	$(CLUSTER) serve zeo --demo

.PHONY: start-relstorage
start-relstorage: $(INSTALL_STAMP) ## Two clients on 8080 and 8081 of RelStorage on PostgreSQL: PG_DSN="dbname=… host=… user=…"
	@test -n "$(PG_DSN)" || { echo 'PG_DSN is needed, e.g. PG_DSN="dbname=plone host=localhost user=plone password=…"'; exit 2; }
	PG_DSN="$(PG_DSN)" $(CLUSTER) serve relstorage --demo

.PHONY: pack-zeo
pack-zeo: $(INSTALL_STAMP) ## Pack the ZEO server's database while it runs (DAYS=0 of history kept)
	$(CLUSTER) pack zeo --days $(or $(DAYS),0)

.PHONY: pack-relstorage
pack-relstorage: $(INSTALL_STAMP) ## Pack the RelStorage database (PG_DSN), clients running or not
	@test -n "$(PG_DSN)" || { echo 'PG_DSN is needed'; exit 2; }
	PG_DSN="$(PG_DSN)" $(CLUSTER) pack relstorage --days $(or $(DAYS),0)

.PHONY: demo-users
demo-users: $(INSTALL_STAMP) ## Print the demo site's logins and passwords, and who they are (works while the site runs)
	@$(BIN)/nrlabel demo-users --url http://$(HOST):$(PORT)/$(SITE)

node_modules/axe-core/axe.min.js: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: browser tests will be skipped"; fi

.PHONY: test
test: $(INSTALL_STAMP) node_modules/axe-core/axe.min.js ## Run the whole test suite (browser tests need Debian's chromium)
	$(BIN)/pytest $(PYTEST_ARGS) --ignore=tests/intranet --ignore=tests/cluster
	# An existing intranet with the add-on on top: a sibling layer, its own session.
	$(BIN)/pytest $(PYTEST_ARGS) tests/intranet
	# Two real Zope clients on a ZEO server, and on RelStorage when PG_DSN names a
	# PostgreSQL server (the tests create and drop a database of their own there).
	PG_DSN="$(PG_DSN)" $(BIN)/pytest $(PYTEST_ARGS) tests/cluster

.PHONY: lint
lint: $(INSTALL_STAMP) ## Check Python (ruff) and XML/ZCML (zpretty)
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/ruff format --check src tests scripts bench
	$(BIN)/zpretty --check $(XML_FILES)

.PHONY: format
format: $(INSTALL_STAMP) ## Format Python and XML/ZCML in place
	$(BIN)/ruff check --fix src tests scripts bench
	$(BIN)/ruff format src tests scripts bench
	$(BIN)/zpretty -i $(XML_FILES)

.PHONY: i18n
i18n: $(INSTALL_STAMP) ## Extract messages and sync the fr and en catalogues
	$(BIN)/i18ndude rebuild-pot --pot src/collective/nrlabel/locales/collective.nrlabel.pot \
		--create collective.nrlabel src/collective/nrlabel
	for lang in fr en; do \
		$(BIN)/i18ndude sync --pot src/collective/nrlabel/locales/collective.nrlabel.pot \
			src/collective/nrlabel/locales/$$lang/LC_MESSAGES/collective.nrlabel.po; \
	done
	$(BIN)/python scripts/fill_english.py src/collective/nrlabel/locales/en/LC_MESSAGES/collective.nrlabel.po

.PHONY: i18n-check
i18n-check: $(INSTALL_STAMP) ## Fail if a msgid is untranslated in fr or en, or a template string is not marked
	$(BIN)/python scripts/check_translations.py src/collective/nrlabel/locales
	$(BIN)/i18ndude find-untranslated -n src/collective/nrlabel

.PHONY: constraints
constraints: ## Regenerate constraints.txt from constraints-in.txt in a throw-away venv
	rm -rf .venv-constraints
	$(PYTHON) -m venv .venv-constraints
	.venv-constraints/bin/pip install --quiet -U pip setuptools wheel
	.venv-constraints/bin/pip install --quiet -c constraints-in.txt -e ".[test,lint,zeo,relstorage]" -r constraints-in.txt
	( echo "# Generated by 'make constraints' from constraints-in.txt on $$(date -u +%F); do not edit."; \
	  .venv-constraints/bin/pip freeze --all --exclude-editable | grep -v '^collective.nrlabel' ) > constraints.txt
	rm -rf .venv-constraints

versions-buildout.cfg: constraints.txt
	$(PYTHON) scripts/constraints_to_buildout.py constraints.txt > $@

.PHONY: buildout
buildout: versions-buildout.cfg ## The alternative path: a zc.buildout install from the same pins
	$(PYTHON) -m venv .venv-buildout
	.venv-buildout/bin/pip install --quiet -c constraints.txt zc.buildout setuptools wheel
	.venv-buildout/bin/buildout -c buildout.cfg

.PHONY: clean
clean: ## Remove the venv and instance configuration (keeps the data in var/)
	rm -rf $(VENV) .venv-buildout instance

.PHONY: clean-data
clean-data: ## Remove the site's data (var/): the next `make start` creates a new site
	rm -rf var
