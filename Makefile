# huibao — build, test, install.  Dependencies come from pkg-config.
PREFIX ?= /usr/local
prefix ?= $(PREFIX)
bindir ?= $(prefix)/bin
libdir ?= $(prefix)/lib
includedir ?= $(prefix)/include
datadir ?= $(prefix)/share
mandir ?= $(datadir)/man
DESTDIR ?=

CC ?= cc
CFLAGS ?= -O2 -g
WARNINGS = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
PKGS = libpcre2-8 libutf8proc jansson
# OpenCC (traditional script, src/script.c) and libxlsxwriter (the CLI's
# XLSX tables) are opened by soname when first needed, not linked: they
# and the C++ runtime and libcrypto under them were most of a small run's
# dynamic linking.
soname = $(or $(shell objdump -p $(shell $(CC) -print-file-name=lib$(1).so) 2>/dev/null | \
                sed -n 's/^ *SONAME *//p'),lib$(1).so)
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) opencc) -DHB_OPENCC_SONAME='"$(call soname,opencc)"'
PKG_LIBS := $(shell pkg-config --libs $(PKGS)) -lm
TEST_LIBS := $(shell pkg-config --libs cmocka) -pthread
LEXICON ?= /usr/lib/python3/dist-packages/jieba/dict.txt
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARNINGS) $(CFLAGS) -Iinclude -Isrc $(PKG_CFLAGS) \
             -DHB_DATADIR='"$(datadir)/huibao"'

# Objects are position-independent so that one set makes both libraries;
# only what huibao.h marks HB_API leaves the shared one.
ALL_CFLAGS += -fPIC -fvisibility=hidden
VERSION := $(shell sed -n 's/^\#define HB_VERSION "\(.*\)"/\1/p' include/huibao.h)
SONAME = libhuibao.so.0
PYTHON ?= /usr/bin/python3
# Where `make install` puts the Python module: on sys.path for /usr/local
# on Debian; for another prefix, add it to PYTHONPATH (README).
pythondir ?= $(prefix)/lib/python$(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])')/dist-packages

B = build
SRC := $(wildcard src/*.c)
OBJ := $(SRC:src/%.c=$(B)/obj/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
TOOLS := $(patsubst tools/%.c,$(B)/%,$(wildcard tools/*.c))
BENCH_BIN := $(patsubst bench/%.c,$(B)/%,$(wildcard bench/*.c))
# What reads the compiled lexicon depends on this (nothing when lexc is absent).
LEXICON_DEP := $(if $(wildcard tools/lexc.c),lexicon)

.PHONY: all test check unit schema oracle clean install uninstall bench bench-stages asan tsan leakcheck fuzz lexicon rules \
        hostile fuzz-run fuzz-replay docs-check deps link-test python install-shared uninstall-shared page batch-test dask-test

all: $(B)/huibao $(B)/libhuibao.a $(TOOLS) $(BENCH_BIN) $(LEXICON_DEP) rules

# -MMD -MP: each object's header dependencies in a .d file beside it.
$(B)/obj/%.o: src/%.c | $(B)/obj
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

-include $(OBJ:.o=.d)

$(B)/obj $(B)/tests:
	mkdir -p $@

$(B)/libhuibao.a: $(OBJ)
	rm -f $@
	ar rcs $@ $^

# The CLI alone writes XLSX (libxlsxwriter) and runs threads (batch).
CLI_SRC := $(wildcard cli/*.c)
CLI_CFLAGS := $(shell pkg-config --cflags xlsxwriter) -DHB_XLSXWRITER_SONAME='"$(call soname,xlsxwriter)"'
CLI_LIBS := -pthread
# It carries the compiled lexicon and rules (cli/builtin.S), and links
# PCRE2, utf8proc and jansson statically where their archives are installed
# (Debian's -dev packages have them): three shared objects fewer to map and
# bind at every start, a twentieth of a small report's time.
BUILTIN := -DHB_BUILTIN_LEXICON='"$(B)/huibao.image"' -DHB_BUILTIN_RULES='"$(B)/huibao.rules"'
archive = $(filter /%,$(shell $(CC) -print-file-name=lib$(1).a))
STATIC_PKG_LIBS := -Wl,-Bstatic -lpcre2-8 -lutf8proc -ljansson -Wl,-Bdynamic -lm
CLI_PKG_LIBS := $(if $(and $(call archive,pcre2-8),$(call archive,utf8proc),$(call archive,jansson)),\
                  $(STATIC_PKG_LIBS),$(PKG_LIBS))
$(B)/huibao: $(CLI_SRC) $(wildcard cli/*.h) cli/builtin.S include/huibao.h $(B)/libhuibao.a $(B)/huibao.rules \
             $(B)/huibao.image
	$(CC) $(ALL_CFLAGS) $(CLI_CFLAGS) $(BUILTIN) -pthread $(LDFLAGS) $(CLI_SRC) cli/builtin.S -o $@ $(B)/libhuibao.a \
	    $(CLI_PKG_LIBS) $(CLI_LIBS)

$(B)/%: tools/%.c tools/toolutil.h $(B)/libhuibao.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -Itools $< -o $@ $(B)/libhuibao.a $(PKG_LIBS)

# Benchmark drivers (make bench); they share the tools' helpers.
$(B)/%: bench/%.c tools/toolutil.h $(B)/libhuibao.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -Itools $< -o $@ $(B)/libhuibao.a $(PKG_LIBS)

all: $(B)/libhuibao.so $(B)/$(SONAME)

$(B)/libhuibao.so.$(VERSION): $(OBJ)
	$(CC) -shared -Wl,-soname,$(SONAME) $(LDFLAGS) $^ -o $@ $(PKG_LIBS)

$(B)/$(SONAME) $(B)/libhuibao.so: $(B)/libhuibao.so.$(VERSION)
	ln -sf libhuibao.so.$(VERSION) $@

# The general lexicon (jieba's dict.txt) compiled once; without it huibao
# still runs on its own dictionaries and says so.
lexicon: $(B)/jieba.lex
$(B)/jieba.lex: $(B)/lexc
	@if [ -f "$(LEXICON)" ]; then $(B)/lexc "$(LEXICON)" $@; \
	else echo "note: $(LEXICON) not found (apt-get install python3-jieba); building without the general lexicon"; fi

# The automata built from dict/ (slogans, idioms), compiled once and read
# at start (src/rules.h): the huibao command carries them built in, the
# library finds huibao.rules beside itself.  Rules
# that differ from these (an overlay, an edited file) are built at start.
# With the general lexicon, it also keeps the frequencies suggested for the
# words dict/ adds to it.
# The image (the lexicon marked for dict/'s words) is built into huibao
# with the rules; empty without the lexicon.
rules: $(B)/huibao.rules
$(B)/huibao.rules $(B)/huibao.image &: $(B)/rulec $(wildcard dict/*.txt dict/profiles/*.txt) $(if $(LEXICON_DEP),$(B)/jieba.lex)
	if [ -f $(B)/jieba.lex ]; then $(B)/rulec dict $(B)/huibao.rules $(B)/jieba.lex $(B)/huibao.image; \
	else $(B)/rulec dict $(B)/huibao.rules && : > $(B)/huibao.image; fi

$(B)/tests/%: tests/unit/%.c tests/unit/testutil.h $(B)/libhuibao.a | $(B)/tests
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $< -o $@ $(B)/libhuibao.a $(PKG_LIBS) $(TEST_LIBS)

# The CLI's heap settings, no part of the library.
$(B)/tests/test_cli_memory: tests/unit/test_cli_memory.c cli/memory.c cli/cli.h | $(B)/tests
	$(CC) $(ALL_CFLAGS) -Icli $(LDFLAGS) $< cli/memory.c -o $@ $(TEST_LIBS)

# The unit tests read the compiled lexicon, and test_builtin the image and
# rules built from it, so they are built before the tests run (also where
# only `unit` is asked for: make leakcheck).
unit: $(UNIT_BIN) $(LEXICON_DEP) rules
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; HUIBAO_LEXICON=$(B)/jieba.lex $(TEST_RUNNER) $$t; done

schema: all
	HUIBAO='$(HUIBAO_RUNNER) $(B)/huibao' /usr/bin/python3 tests/validate_schema.py

# Segmentation must equal jieba.cut(HMM=False) word for word (python3-jieba).
oracle: all
	/usr/bin/python3 tests/oracle/jieba_oracle.py --segdump $(B)/segdump --lexicon $(B)/jieba.lex \
	    --huibao $(B)/huibao --fuzz 50 corpus/*.txt $(wildcard ../shared/seeds/*.txt)

# Every warning code the library emits is in the manual's WARNINGS.
docs-check:
	/usr/bin/python3 tests/doc_warnings.py

# No dependency cycle among the objects of src/ (by the symbols nm shows).
deps: $(OBJ)
	/usr/bin/python3 tests/deps_acyclic.py $(OBJ)

test check: all unit schema oracle hostile fuzz-replay docs-check deps

# The installed library as others use it: install into a temporary prefix,
# build a small program with `pkg-config --cflags --libs huibao` against the
# shared library, run it on a corpus report; and only hb_ symbols exported.
test check: link-test python
link-test: all
	HUIBAO='$(B)/huibao' MAKE='$(MAKE)' CC='$(CC)' LDFLAGS='$(LDFLAGS)' bash tests/link/run.sh

# The Python module (python/huibao) over this build's shared library, its
# output compared with this build's huibao; both read the lexicon.  A
# sanitizer build's library cannot be loaded into an uninstrumented Python.
python: $(B)/$(SONAME) $(B)/huibao $(LEXICON_DEP)
	@if echo '$(CFLAGS)' | grep -q -- -fsanitize; then echo "python: skipped in a sanitizer build"; else \
	    HUIBAO=$(B)/huibao HUIBAO_LIB=$(B)/$(SONAME) HUIBAO_LEXICON=$(B)/jieba.lex PYTHONPATH=python \
	    $(PYTHON) -m unittest discover -s tests/python -t tests/python; fi

# summary.html from the corpus (tests/page_test.py): its structure against
# summary.json, hostile report text escaped, and, when chromium is installed,
# the rendered DOM, the console and a screenshot in $(B)/summary.png.
page: all
	BUILD_DIR=$(B) HUIBAO='$(HUIBAO_RUNNER) $(B)/huibao' \
	    PAGE_BROWSER=$(if $(findstring -fsanitize,$(CFLAGS))$(HUIBAO_RUNNER),0,1) /usr/bin/python3 tests/page_test.py

test check: page

# batch, table, summary and check on the corpus replicated to 2,000+ files
# (tests/batch_test.py: kill -9 and --resume, XLSX through openpyxl).
# The Dask runner (contrib/dask): a LocalCluster of two worker processes over
# loopback TCP gives the same summary.json as huibao batch, every report
# exactly once, also when a worker is killed mid-run.  Needs the shared
# library, so not in a sanitizer build.
dask-test: all
	@if echo '$(CFLAGS)' | grep -q -- -fsanitize; then echo "dask-test: skipped in a sanitizer build"; else \
	    HUIBAO=$(B)/huibao HUIBAO_LIB=$(B)/$(SONAME) /usr/bin/python3 tests/dask_test.py; fi

test check: dask-test

batch-test: all
	HUIBAO='$(HUIBAO_RUNNER) $(B)/huibao' /usr/bin/python3 tests/batch_test.py

test check: batch-test

# The issue-15 table (speeds as ratios to same-run references, peak memory);
# bench-stages: every per-stage bench/bench_* script (slower).
# The issue-15 table (ratios to references measured in the same run), then
# batch throughput with -j1 and -j2 and peak memory for 2,000 and 20,000 files.
bench: all
	/usr/bin/python3 bench/table.py
	bash bench/bench_batch.sh

bench-stages: all
	bash bench/run.sh

# The whole suite under ASan+UBSan, and under valgrind, each in its own
# build folder so they never disturb the normal build.
SAN_FLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
asan:
	$(MAKE) B=build-asan CFLAGS='$(SAN_FLAGS)' LDFLAGS='-fsanitize=address,undefined' test

# ThreadSanitizer over the thread tests: one engine shared by four threads,
# and two threads printing one report (test_ownership).
TSAN_TESTS = test_threads test_ownership
tsan:
	$(MAKE) B=build-tsan CFLAGS='-O1 -g -fsanitize=thread' LDFLAGS='-fsanitize=thread' \
	    $(TSAN_TESTS:%=build-tsan/tests/%)
	set -e; for t in $(TSAN_TESTS); do \
	    HUIBAO_LEXICON=build-tsan/jieba.lex TSAN_OPTIONS=halt_on_error=1 build-tsan/tests/$$t; done

# Only the targets that run our C code through TEST_RUNNER or HUIBAO_RUNNER:
# the others (oracle, python, dask-test, …) would repeat `make test` unchecked.
VALGRIND = valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
LEAK_TARGETS = unit schema hostile fuzz-replay page batch-test
leakcheck:
	$(MAKE) B=build-valgrind CFLAGS='-O1 -g' TEST_RUNNER='$(VALGRIND)' HUIBAO_RUNNER='$(VALGRIND)' \
	    $(LEAK_TARGETS)

# Hostile inputs through the CLI (tests/hostile.py): each case pins its
# exit code and message, or valid output with a named warning; then every
# kept fuzz input must give schema-valid JSON or a reason (fuzz_schema.py).
hostile: all
	HUIBAO='$(HUIBAO_RUNNER) $(B)/huibao' /usr/bin/python3 tests/hostile.py
	HUIBAO='$(HUIBAO_RUNNER) $(B)/huibao' /usr/bin/python3 tests/fuzz_schema.py tests/hostile \
	    $(wildcard tests/fuzz_corpus tests/fuzz_regressions)

# Fuzzing with clang's libFuzzer: each fuzz/fuzz_*.c is a target, built with
# ASan+UBSan into build-fuzz/ and run for FUZZ_SECONDS on its own corpus
# (build-fuzz/corpus/TARGET), seeded from corpus/, tests/hostile/,
# tests/fuzz_corpus/ and tests/fuzz_regressions/.  Every finding (crash,
# leak, timeout, out of memory) is moved to tests/fuzz_regressions/TARGET/,
# where fuzz-replay (part of `make test`) runs it through the same target
# built with the normal compiler; commit it with the fix.  Then every report
# of the extract corpus must validate against the schema.
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_NAMES := $(patsubst fuzz/%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_FLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
fuzz: all
	@mkdir -p build-fuzz; echo '$(FUZZ_CC) $(FUZZ_FLAGS)' | cmp -s - build-fuzz/flags || \
	    { rm -rf build-fuzz/obj build-fuzz/libhuibao.a; echo '$(FUZZ_CC) $(FUZZ_FLAGS)' > build-fuzz/flags; }
	$(MAKE) B=build-fuzz CC=$(FUZZ_CC) CFLAGS='$(FUZZ_FLAGS) -fsanitize=fuzzer-no-link' fuzz-run
	/usr/bin/python3 tests/fuzz_schema.py tests/hostile build-fuzz/corpus/fuzz_extract

fuzz-run: $(FUZZ_NAMES:%=$(B)/%)
	/usr/bin/python3 fuzz/seeds.py $(B)/seeds
	@failed=; for t in $(FUZZ_NAMES); do \
	    mkdir -p $(B)/corpus/$$t; seeds=; \
	    for s in $(B)/seeds/$$t corpus tests/hostile tests/fuzz_corpus tests/fuzz_regressions/$$t; do \
	        [ -d $$s ] && seeds="$$seeds $$s"; done; \
	    echo "== $$t: $(FUZZ_SECONDS)s"; \
	    ./$(B)/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=20 -rss_limit_mb=4096 -max_len=65536 \
	        -dict=fuzz/huibao.dict -artifact_prefix=$(B)/$$t- -print_final_stats=1 $(B)/corpus/$$t $$seeds \
	        || failed="$$failed $$t"; \
	    for a in $(B)/$$t-*; do [ -f "$$a" ] && mkdir -p tests/fuzz_regressions/$$t && \
	        mv "$$a" tests/fuzz_regressions/$$t/ && echo "kept $$a in tests/fuzz_regressions/$$t/"; done; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: findings in$$failed (see tests/fuzz_regressions/)"; exit 1; fi

$(B)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz.h $(B)/libhuibao.a
	$(CC) $(ALL_CFLAGS) -Ifuzz -fsanitize=fuzzer $< -o $@ $(B)/libhuibao.a $(PKG_LIBS)

# The fuzz targets without libFuzzer, on their seeds and kept crashers.
$(B)/replay/%: fuzz/%.c fuzz/fuzz.h fuzz/replay.c $(B)/libhuibao.a
	@mkdir -p $(B)/replay
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -Ifuzz $< fuzz/replay.c -o $@ $(B)/libhuibao.a $(PKG_LIBS)

fuzz-replay: all $(FUZZ_NAMES:%=$(B)/replay/%)
	@/usr/bin/python3 fuzz/seeds.py $(B)/seeds
	@set -e; for t in $(FUZZ_NAMES); do dirs="corpus tests/hostile $(wildcard tests/fuzz_corpus)"; \
	    for s in $(B)/seeds/$$t tests/fuzz_regressions/$$t; do [ -d $$s ] && dirs="$$dirs $$s"; done; \
	    HUIBAO_LEXICON=$(B)/jieba.lex $(TEST_RUNNER) $(B)/replay/$$t $$dirs; done

clean:
	rm -rf $(B) build-asan build-tsan build-valgrind build-fuzz

install: all
	install -d $(DESTDIR)$(bindir) $(DESTDIR)$(libdir)/pkgconfig $(DESTDIR)$(includedir) \
	    $(DESTDIR)$(datadir)/huibao/dict $(DESTDIR)$(datadir)/huibao/templates $(DESTDIR)$(mandir)/man1
	install -m 755 $(B)/huibao $(DESTDIR)$(bindir)/huibao
	install -m 644 $(B)/libhuibao.a $(DESTDIR)$(libdir)/libhuibao.a
	install -m 644 include/huibao.h $(DESTDIR)$(includedir)/huibao.h
	cp -R dict/. $(DESTDIR)$(datadir)/huibao/dict/
	install -m 644 templates/summary.html templates/README.md $(DESTDIR)$(datadir)/huibao/templates/
	if [ -f $(B)/jieba.lex ]; then install -m 644 $(B)/jieba.lex $(DESTDIR)$(datadir)/huibao/jieba.lex; fi
	install -m 644 $(B)/huibao.rules $(DESTDIR)$(datadir)/huibao/huibao.rules
	install -m 644 docs/huibao.1 $(DESTDIR)$(mandir)/man1/huibao.1
	sed -e 's|@prefix@|$(prefix)|g' -e 's|@version@|$(shell sed -n 's/^#define HB_VERSION "\(.*\)"/\1/p' include/huibao.h)|g' \
	    -e 's|@libs@|$(shell pkg-config --libs $(PKGS)) -lm|g' huibao.pc.in > $(DESTDIR)$(libdir)/pkgconfig/huibao.pc

# The shared library, the schema and the Python module beside what
# `install` puts in place.
install: install-shared
install-shared: all
	install -d $(DESTDIR)$(libdir) $(DESTDIR)$(datadir)/huibao $(DESTDIR)$(pythondir)/huibao
	install -m 755 $(B)/libhuibao.so.$(VERSION) $(DESTDIR)$(libdir)/libhuibao.so.$(VERSION)
	ln -sf libhuibao.so.$(VERSION) $(DESTDIR)$(libdir)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(libdir)/libhuibao.so
	install -m 644 docs/report.schema.json $(DESTDIR)$(datadir)/huibao/report.schema.json
	install -m 644 python/huibao/*.py $(DESTDIR)$(pythondir)/huibao/
	printf 'LIBDIR = "%s"\n' '$(libdir)' > $(DESTDIR)$(pythondir)/huibao/_installed.py

uninstall: uninstall-shared
uninstall-shared:
	rm -f $(DESTDIR)$(libdir)/libhuibao.so.$(VERSION) $(DESTDIR)$(libdir)/$(SONAME) $(DESTDIR)$(libdir)/libhuibao.so
	rm -rf $(DESTDIR)$(pythondir)/huibao

uninstall:
	rm -f $(DESTDIR)$(bindir)/huibao $(DESTDIR)$(libdir)/libhuibao.a $(DESTDIR)$(includedir)/huibao.h \
	    $(DESTDIR)$(libdir)/pkgconfig/huibao.pc $(DESTDIR)$(mandir)/man1/huibao.1
	rm -rf $(DESTDIR)$(datadir)/huibao
