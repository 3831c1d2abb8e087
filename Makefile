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

# Coverage-guided fuzzing of the whole pipeline (Sources/RetortFuzz): FUZZ_RUNS inputs,
# starting from the committed seeds in fuzz/corpus; what the run finds that is new goes
# to $(FUZZ_WORK)/corpus, a failing input to $(FUZZ_WORK)/ (replay it with
# `.build/debug/retort-fuzz run FILE`). Its own build folder, so it never disturbs the
# debug build. Leak checking is off: LeakSanitizer cannot see Swift's tagged enum payload
# pointers and reports every cached parse tree; memory is bounded by -rss_limit_mb.
FUZZ_RUNS ?= 100000
FUZZ_WORK ?= .build/fuzz-work
FUZZ_FLAGS ?= -max_len=65536 -timeout=10 -rss_limit_mb=2048 -detect_leaks=0 -print_final_stats=1

.PHONY: fuzz
fuzz:
	$(SWIFT) build -c release --build-path .build/fuzz --product retort-fuzz \
		-Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -use-ld=lld
	mkdir -p $(FUZZ_WORK)/corpus
	SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 .build/fuzz/release/retort-fuzz -runs=$(FUZZ_RUNS) $(FUZZ_FLAGS) \
		-artifact_prefix=$(FUZZ_WORK)/ $(FUZZ_WORK)/corpus fuzz/corpus
