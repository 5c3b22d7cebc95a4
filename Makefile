# ngx_http_scim_module: build, run and test against Debian's packaged nginx.
#
#   make          build build/ngx_http_scim_module.so
#   make run      build, start redis-server + nginx on localhost, print a curl line
#   make test     Lua lint, unit tests (GoogleTest) + integration tests (prove t/)
#   make lint-lua luacheck over the store's Lua scripts (src/store/lua)
#   make deb      the Debian package, build/libnginx-mod-http-scim_<version>_<arch>.deb
#   make test-deb install that package, serve a request through it, purge it (root)
#
# Every target depends on `deps`, which installs missing Debian packages.

SHELL       := /bin/bash
BUILD       := build
NGX_SRC     := /usr/share/nginx/src
NGX_BUILD   := $(BUILD)/nginx
MODULE      := $(BUILD)/ngx_http_scim_module.so
SCIM_PORT   ?= 8080

CXX         ?= g++
CXXFLAGS    ?= -O2 -g
CXXFLAGS    += -std=c++17 -Wall -Wextra -Werror -fPIC -Iinclude -Isrc -MMD -MP
LDLIBS      := -lhiredis -lcrypto -pthread

# The store's Lua scripts, embedded at build time by tools/lua-embed into a
# generated .cpp (the nginx build makes its own copy: config.make).
LUA_SRCS    := $(wildcard src/store/lua/*.lua src/store/lua/lib/*.lua)
LUA_CPP     := $(BUILD)/gen/lua_sources.cpp

# The plain C++ core and the store layer: everything but the nginx edge.
CORE_SRCS   := $(wildcard src/*.cpp src/store/*.cpp src/service/*.cpp)
CORE_OBJS   := $(CORE_SRCS:%.cpp=$(BUILD)/obj/%.o) $(BUILD)/obj/$(LUA_CPP:.cpp=.o)
UNIT_SRCS   := $(wildcard t/unit/*.cpp)
UNIT_OBJS   := $(UNIT_SRCS:%.cpp=$(BUILD)/obj/%.o)
UNIT_BIN    := $(BUILD)/unit-tests
FUZZ_SRCS   := $(wildcard fuzz/*.cpp)

MODULE_SRCS := ngx_http_scim_module.c++ config config.make tools/lua-embed $(LUA_SRCS) \
               $(wildcard src/*.cpp src/*.hpp src/store/*.cpp src/store/*.hpp \
                          src/service/*.cpp src/service/*.hpp src/ngx/*.cpp src/ngx/*.hpp \
                          include/scim/*.hpp include/scim/store/*.hpp include/scim/service/*.hpp)

DEB_PACKAGES := nginx-core nginx-dev libhiredis-dev rapidjson-dev redis-server \
                libssl-dev libpcre3-dev zlib1g-dev googletest libgtest-dev libgmock-dev \
                g++ make perl clang libclang-rt-dev valgrind wrk curl python3-redis \
                debhelper dpkg-dev fakeroot lintian python3-prometheus-client openssl \
                lua-check

.PHONY: all deps module unit lint-lua integration test test-asan test-valgrind run start stop \
        bench bench-full bench-scale bench-rss bench-competitor fuzz fuzz-short alloc-count clean deb test-deb test-demo

all: module

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	  done); \
	if [ -n "$$missing" ]; then \
	  echo "installing: $$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# --- the module, built by nginx's own build system -------------------------

# The module is compiled with the flags the Debian package gets from
# dh-sequence-nginx (debian/rules: hardening=+all): dpkg-buildflags' CFLAGS
# (-O2, stack protector, format checks) and CPPFLAGS (_FORTIFY_SOURCE) after
# nginx's own -O, and LDFLAGS (relro, now), so that tests and bench/ run the
# code that ships. config.make's rule for the .c++ file uses the same
# $(CFLAGS). -ffile-prefix-map is left out: it only rewrites debug paths, and a
# local build keeps absolute ones for gdb and perf. test-asan sets its own.
DEB_FLAGS    = $(filter-out -ffile-prefix-map=%,$(shell DEB_BUILD_MAINT_OPTIONS=hardening=+all \
                 dpkg-buildflags --get $(1)))
NGX_CC_OPT  ?= $(call DEB_FLAGS,CFLAGS) -fPIC $(call DEB_FLAGS,CPPFLAGS)
NGX_LD_OPT  ?= $(call DEB_FLAGS,LDFLAGS) -fPIC

# nginx's configure fixes the list of sources, the flags and the module's
# directory; re-run it only when one of those (or the addon config) changes,
# not on every edit. The directory matters: a build/ copied from another
# checkout would otherwise compile that checkout's sources.
$(BUILD)/module-srcs.list: FORCE | deps
	@mkdir -p $(BUILD)
	@{ echo "module: $(CURDIR)"; echo "cc-opt: $(NGX_CC_OPT)"; echo "ld-opt: $(NGX_LD_OPT)"; \
	   echo "extra: $(NGX_EXTRA_CONF)"; \
	   ls config config.make src/*.cpp src/store/*.cpp src/service/*.cpp src/ngx/*.cpp \
	     src/store/lua/*.lua src/store/lua/lib/*.lua 2>/dev/null | sort; } > $@.tmp
	@cmp -s $@.tmp $@ && rm $@.tmp || mv $@.tmp $@

$(NGX_BUILD)/objs/Makefile: $(BUILD)/module-srcs.list config config.make
	rm -rf $(NGX_BUILD) && mkdir -p $(BUILD) && cp -r $(NGX_SRC) $(NGX_BUILD)
	cd $(NGX_BUILD) && . ./conf_flags && \
	  ./configure "$${NGX_CONF_FLAGS[@]}" --with-cc-opt="$(NGX_CC_OPT)" --with-ld-opt="$(NGX_LD_OPT)" \
	    $(NGX_EXTRA_CONF) --add-dynamic-module=$(CURDIR) >configure.log 2>&1 || { tail -20 configure.log; exit 1; }

$(MODULE): $(NGX_BUILD)/objs/Makefile $(MODULE_SRCS)
	$(MAKE) -C $(NGX_BUILD) -f objs/Makefile modules
	cp $(NGX_BUILD)/objs/ngx_http_scim_module.so $@

module: deps $(MODULE)

# --- the Lua scripts ----------------------------------------------------------

$(LUA_CPP): $(LUA_SRCS) tools/lua-embed
	@mkdir -p $(dir $@)
	tools/lua-embed $@ src/store/lua

$(BUILD)/obj/$(LUA_CPP:.cpp=.o): $(LUA_CPP)
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -c $< -o $@

# luacheck over each script as Redis runs it (includes expanded), then the
# embedder's own checks (t/make/lua-embed).
lint-lua: deps
	rm -rf $(BUILD)/lua-lint
	tools/lua-embed --lint $(BUILD)/lua-lint src/store/lua
	luacheck --no-color -q $(BUILD)/lua-lint
	t/make/lua-embed

# --- unit tests -------------------------------------------------------------

$(BUILD)/obj/%.o: %.cpp | deps
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -c $< -o $@

$(UNIT_BIN): $(CORE_OBJS) $(UNIT_OBJS)
	$(CXX) $(CXXFLAGS) -o $@ $^ -lgtest -lgtest_main $(LDLIBS)

unit: deps $(UNIT_BIN)
	$(UNIT_BIN) --gtest_brief=1

# --- fuzzing (clang's libFuzzer) ---------------------------------------------

# The core is compiled once with the fuzzing flags (build/fuzz/obj/) into an
# archive, so each target links (and instruments the coverage of) only the
# objects it uses; -O2 because these objects are the hot path.
FUZZ_CXXFLAGS := -std=c++17 -g -O2 -fsanitize=address,undefined -Iinclude -Isrc -MMD -MP
FUZZ_OBJS := $(CORE_SRCS:%.cpp=$(BUILD)/fuzz/obj/%.o) $(BUILD)/fuzz/obj/$(LUA_CPP:.cpp=.o)
FUZZ_LIB  := $(BUILD)/fuzz/libscim-core.a
FUZZ_BINS := $(FUZZ_SRCS:fuzz/%.cpp=$(BUILD)/fuzz/%)
$(BUILD)/fuzz/obj/%.o: %.cpp | deps
	@mkdir -p $(dir $@)
	clang++ $(FUZZ_CXXFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@
$(BUILD)/fuzz/obj/fuzz/%.o: fuzz/%.cpp | deps
	@mkdir -p $(dir $@)
	clang++ $(FUZZ_CXXFLAGS) -fsanitize=fuzzer -c $< -o $@
# The oracles a target checks its results with (fuzz/oracle/): ASan and
# UBSan, no coverage or comparison tracing (they are not the code under
# test), and RapidJSON in a namespace of their own so that none of their
# uninstrumented copies replaces an instrumented one at link time.
FUZZ_ORACLE_FLAGS := -DRAPIDJSON_NAMESPACE=fuzz_oracle_rapidjson
$(BUILD)/fuzz/obj/fuzz/oracle/%.o: fuzz/oracle/%.cpp | deps
	@mkdir -p $(dir $@)
	clang++ $(FUZZ_CXXFLAGS) $(FUZZ_ORACLE_FLAGS) -c $< -o $@
$(BUILD)/fuzz/request_fuzz: $(BUILD)/fuzz/obj/fuzz/oracle/error_body.o
$(FUZZ_LIB): $(FUZZ_OBJS)
	rm -f $@ && ar rcs $@ $^
$(BUILD)/fuzz/%: $(BUILD)/fuzz/obj/fuzz/%.o $(FUZZ_LIB)
	clang++ -fsanitize=fuzzer,address,undefined -o $@ $^ $(LDLIBS)
# Kept between builds (make would delete them as intermediate files).
.SECONDARY: $(FUZZ_OBJS) $(FUZZ_SRCS:fuzz/%.cpp=$(BUILD)/fuzz/obj/fuzz/%.o) \
            $(BUILD)/fuzz/obj/fuzz/oracle/error_body.o
-include $(FUZZ_OBJS:.o=.d) $(FUZZ_SRCS:fuzz/%.cpp=$(BUILD)/fuzz/obj/fuzz/%.d) \
         $(wildcard $(BUILD)/fuzz/obj/fuzz/oracle/*.d)

# Longest input per target: room for the longest useful filter, PATCH body
# and request, and no more (longer inputs only run slower).
FUZZ_MAX_LEN_filter_fuzz  := 1024
FUZZ_MAX_LEN_patch_fuzz   := 2048
FUZZ_MAX_LEN_request_fuzz := 4096
# One process per target, so no corpus re-reads (-reload=0); the plain
# scheduler, as entropic scheduling took more time than the targets
# themselves (fuzz/README.md). FUZZ_OPTIONS= restores the defaults.
# ASan's own settings are compiled into the targets (fuzz/asan_defaults.hpp;
# ASAN_OPTIONS overrides them).
FUZZ_OPTIONS ?= -reload=0 -entropic=0

FUZZ_SECONDS ?= 600
fuzz-short: FUZZ_SECONDS = 20
fuzz fuzz-short: deps $(FUZZ_BINS)
	@for f in $(FUZZ_BINS); do \
	  name=$$(basename $$f); mkdir -p $(BUILD)/fuzz/corpus-$$name; \
	  seeds=fuzz/corpus/$$name; [ -d $$seeds ] || seeds=; \
	  case $$name in \
	    filter_fuzz) len=$(FUZZ_MAX_LEN_filter_fuzz);; \
	    patch_fuzz) len=$(FUZZ_MAX_LEN_patch_fuzz);; \
	    *) len=$(FUZZ_MAX_LEN_request_fuzz);; \
	  esac; \
	  echo "fuzz $$name for $(FUZZ_SECONDS)s (-max_len=$$len)"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -max_len=$$len $(FUZZ_OPTIONS) -print_final_stats=1 \
	      $(BUILD)/fuzz/corpus-$$name $$seeds 2>$(BUILD)/fuzz/$$name.log \
	    || { tail -40 $(BUILD)/fuzz/$$name.log; exit 1; }; \
	  grep -E '^stat::(number_of_executed_units|average_exec_per_sec)' $(BUILD)/fuzz/$$name.log; \
	done

# --- allocation counts (fuzz/replay/) -----------------------------------------

# Without sanitizers, on the unit tests' build of the core: request_fuzz
# replayed over a corpus, and the hot paths of issue #12 against canned
# replies, each printing heap allocations per run (load-independent;
# fuzz/README.md, bench/README.md). Also the binaries to profile.
REPLAY := $(BUILD)/fuzz-replay
$(REPLAY)/%.o: fuzz/replay/%.cpp | deps
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -c $< -o $@
$(REPLAY)/target-%.o: fuzz/%.cpp | deps
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -c $< -o $@
$(REPLAY)/hot_paths: $(REPLAY)/hot_paths.o $(CORE_OBJS)
	$(CXX) $(CXXFLAGS) -o $@ $^ $(LDLIBS)
$(REPLAY)/oracle-%.o: fuzz/oracle/%.cpp | deps
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) $(FUZZ_ORACLE_FLAGS) -c $< -o $@
$(REPLAY)/request_fuzz: $(REPLAY)/target-request_fuzz.o $(REPLAY)/oracle-error_body.o \
                        $(REPLAY)/replay_main.o $(CORE_OBJS)
	$(CXX) $(CXXFLAGS) -o $@ $^ $(LDLIBS)
alloc-count: deps $(REPLAY)/hot_paths $(REPLAY)/request_fuzz
	$(REPLAY)/hot_paths 20000
	$(REPLAY)/request_fuzz -n 3 fuzz/corpus/request_fuzz $(wildcard $(BUILD)/fuzz/corpus-request_fuzz)
-include $(wildcard $(REPLAY)/*.d)

# --- integration tests --------------------------------------------------------

# The same files again with the module talking TLS to its Redis (t/110,
# t/112: their clusters serve TLS only).
TLS_TESTS   := t/010-users.t t/030-redis.t t/050-groups.t t/060-filters.t t/110-redis-cluster.t \
               t/112-redis-cluster-failover.t

# And the suite with the store on a three-master Redis Cluster, but for the
# files about the single link itself (its outages, timeouts, DNS failover,
# harness self-test), its nginx -t checks, the example consumer (it
# reads one Redis server), and Sentinel's own files; t/110, t/111 and t/112 are the cluster's own.
CLUSTER_SKIP  := t/000-harness.t t/030-redis.t t/031-redis-tls.t t/032-redis-failover.t \
                 t/033-redis-sentinel.t t/034-redis-sentinel-tls.t t/035-redis-wait.t t/040-config.t \
                 t/091-consumer.t t/110-redis-cluster.t t/111-redis-cluster-tls.t \
                 t/112-redis-cluster-failover.t
CLUSTER_TESTS := $(filter-out $(CLUSTER_SKIP),$(wildcard t/*.t))
# A few of them again on a cluster that serves TLS only (client certificates).
CLUSTER_TLS_TESTS := t/010-users.t t/050-groups.t

integration: module
	TEST_NGINX_MODULE=$(CURDIR)/$(MODULE) prove -I t/lib -r t/
	TEST_NGINX_REDIS_TLS=1 TEST_NGINX_MODULE=$(CURDIR)/$(MODULE) prove -I t/lib $(TLS_TESTS)
	TEST_NGINX_REDIS_CLUSTER=1 TEST_NGINX_MODULE=$(CURDIR)/$(MODULE) prove -I t/lib $(CLUSTER_TESTS)
	TEST_NGINX_REDIS_CLUSTER=1 TEST_NGINX_REDIS_TLS=1 TEST_NGINX_MODULE=$(CURDIR)/$(MODULE) \
	  prove -I t/lib $(CLUSTER_TLS_TESTS)

test: deps lint-lua unit fuzz-short integration test-demo test-deb

# The demo keeps its users across `make stop` and `make start`.
test-demo: module
	t/make/demo-persistence

# ASan/UBSan: the module is built instrumented and nginx runs with libasan
# preloaded (the packaged nginx itself is not instrumented).
ASAN_BUILD := $(BUILD)/asan
test-asan: deps
	$(MAKE) BUILD=$(ASAN_BUILD) \
	  NGX_CC_OPT="-fsanitize=address,undefined -fno-omit-frame-pointer" NGX_LD_OPT="-fsanitize=address,undefined" \
	  module
	TEST_NGINX_MODULE=$(CURDIR)/$(ASAN_BUILD)/ngx_http_scim_module.so \
	TEST_NGINX_LD_PRELOAD="$$(gcc -print-file-name=libasan.so) $$(gcc -print-file-name=libubsan.so)" \
	ASAN_OPTIONS=detect_leaks=0 \
	  prove -I t/lib -r t/

test-valgrind: module
	TEST_NGINX_USE_VALGRIND=1 TEST_NGINX_MODULE=$(CURDIR)/$(MODULE) prove -I t/lib -r t/

# --- the Debian package ------------------------------------------------------

# dpkg-buildpackage writes its results into the parent of the source tree, so
# it builds a copy under build/deb/src and the .deb is collected from there.
# debian/rules builds with dh-sequence-nginx (nginx-dev): Debian's conf_flags,
# --add-dynamic-module, the hardening flags of dpkg-buildflags.
DEB_DIR := build/deb

deb: deps
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/src
	tar --exclude-vcs --exclude=./build -cf - . | tar -C $(DEB_DIR)/src -xf -
	cd $(DEB_DIR)/src && DEB_BUILD_OPTIONS=parallel=2 dpkg-buildpackage -us -uc -b \
	    >../build.log 2>&1 || { tail -40 ../build.log; exit 1; }
	lintian --allow-root --fail-on error,warning --info $(DEB_DIR)/*.changes
	@deb=$(DEB_DIR)/libnginx-mod-http-scim_$$(dpkg-parsechangelog -S Version)_$$(dpkg --print-architecture).deb; \
	  cp $$deb build/ && echo "built build/$$(basename $$deb)"

# Installs the package on this machine's nginx (root), serves a request
# through it, and purges it again.
test-deb: deb
	t/make/deb-package build/libnginx-mod-http-scim_$$(dpkg-parsechangelog -S Version)_$$(dpkg --print-architecture).deb

# --- running ------------------------------------------------------------------

run: module
	@SCIM_PORT=$(SCIM_PORT) tools/scim-run foreground

start: module
	@SCIM_PORT=$(SCIM_PORT) tools/scim-run start

stop:
	@tools/scim-run stop

# The issue-12 table, then the Redis Cluster rows (three masters against one
# Redis, GET and POST; bench/run-full's cluster section alone).
bench: module
	@bench/run
	@BENCH_CLUSTER_ONLY=1 bench/run-full

# The older, longer sections: scale, groups, TLS, Bulk, Cluster (1 worker).
bench-full: module
	@bench/run-full

# Issue 12's flat-at-scale rows: filter eq and a page at 1k/100k/1M users, a
# member PATCH in a group of 10 and of 100k (about 10 minutes).
bench-scale: module
	@bench/run-scale

# A worker's RSS over 10M mixed requests (BENCH_REQUESTS; 15-30 minutes).
bench-rss: module
	@bench/run-rss

# Issue 12's five rows against the Node competitor (bench/competitor:
# SCIMMY + Express + node-redis), both on this machine in one run. Needs node
# and, the first time, the npm registry (npm ci); not part of `make test`.
bench-competitor: module
	@bench/run-competitor

clean:
	rm -rf $(BUILD)

FORCE:

-include $(CORE_OBJS:.o=.d) $(UNIT_OBJS:.o=.d)
