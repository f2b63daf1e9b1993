# make demo   install, build and run cuckoo on the bundled samples
# make test   install, build and run the tests
# make fuzz   feed 2000 mutated samples to verify() (SEED=n to repeat a run)
# make man     regenerate man/cuckoo.1 from the command definitions
# make bench-real  cuckoo, the floor, the naive pipeline and diffoscope on real Debian releases and
#                  their upstream tags, fetched to ~/.cache (ARGS='--runs 1 --only xz-utils', see --help)
# make bench-zip  cuckoo's own zip reader beside unzipper's listing and the read verify does, on a zip
#                 of 90,000 tiny files and real trees (ARGS='--tree ~/src/coreutils-9.1', see --help)
# make samples  regenerate samples/ (needs autoconf, automake, gettext)
# make knowledge GNULIB=~/src/gnulib AUTOMAKE=~/src/automake …  rebuild knowledge/index.json from
#                 Debian's packages and their histories (needs apt-get, dpkg-deb, the two clones)
SHELL := /bin/bash
NODE_MODULES := node_modules/.package-lock.json
SOURCES := $(shell find src test -name '*.ts' 2>/dev/null) tsconfig.json

.PHONY: all install build test demo fuzz samples bench bench-real bench-zip knowledge man clean

all: build

$(NODE_MODULES): package.json package-lock.json
	npm ci --no-fund --no-audit
	@touch $@

install: $(NODE_MODULES)

dist/.built: $(NODE_MODULES) $(SOURCES)
	npx tsc -p tsconfig.json
	node scripts/bundle.mjs
	@touch $@

build: dist/.built

test: build
	node scripts/test.mjs

demo: build
	node scripts/demo.mjs

fuzz: build
	node scripts/fuzz.mjs --iterations 2000 $(if $(SEED),--seed $(SEED))

man: build
	node scripts/make-man.mjs

samples: build
	node scripts/make-samples.mjs

bench: build
	node scripts/bench.mjs

bench-real: build
	node scripts/bench-real.mjs $(ARGS)

bench-zip: build
	node scripts/bench-zip.mjs $(ARGS)

knowledge: build
	@test -n "$(GNULIB)" -a -n "$(AUTOMAKE)" -a -n "$(LIBTOOL)" || { echo 'make knowledge: set GNULIB, AUTOMAKE and LIBTOOL to clones of gnulib, automake and libtool (their aux script and macro histories are indexed)' >&2; exit 2; }
	node scripts/build-knowledge.mjs --history gnulib=$(GNULIB) --history automake=$(AUTOMAKE) --history libtool=$(LIBTOOL) $(if $(CONFIG),--history config=$(CONFIG)) $(if $(PKGCONFIG),--pkg-config $(PKGCONFIG))
	node scripts/build-variants.mjs

clean:
	rm -rf dist
