# Retort: one-line targets over SwiftPM. `make sql` and `make test` work on a fresh clone.
SWIFT   ?= swift
RETORT  := .build/debug/retort
PROJECT ?= models

.PHONY: all build sql check test bench clean

all: sql

build:
	$(SWIFT) build

sql: build
	$(RETORT) --project $(PROJECT) sql

check: build
	$(RETORT) --project $(PROJECT) sql --check
	$(RETORT) --project $(PROJECT) check

test: build
	$(SWIFT) test
	$(MAKE) --no-print-directory check

bench:
	bash bench/run.sh

clean:
	rm -rf .build
