# Retort: one-line targets over SwiftPM. `make sql` and `make test` work on a fresh clone.
SWIFT   ?= swift
RETORT  := .build/debug/retort
PROJECT ?= models

.PHONY: all build sql check lint docs test test-fast bench clean

all: sql

build:
	$(SWIFT) build

sql: build
	$(RETORT) --project $(PROJECT) sql

check: build
	$(RETORT) --project $(PROJECT) sql --check
	$(RETORT) --project $(PROJECT) check

lint: build
	$(RETORT) --project $(PROJECT) lint

docs: build
	$(RETORT) explain --markdown > docs/lint-rules.md

test: build
	$(SWIFT) test
	$(MAKE) --no-print-directory check lint

# The inner loop: every test that needs no PostgreSQL server (those show as skipped).
test-fast: build
	RETORT_FAST=1 $(SWIFT) test
	@echo "test-fast: the PostgreSQL tests were skipped; run make test before you push"

bench:
	bash bench/run.sh

clean:
	rm -rf .build
