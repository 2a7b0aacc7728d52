# Two commands do all the set-up: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
DEMO_PATIENTS ?= 5000
# What pip needs to build python-gammu from source (Gammu's headers, found through pkg-config).
BUILD_PACKAGES := libgammu-dev pkg-config
# The Debian packages the test suite drives: SIP peers, a serial line, a screen, fonts, PDF tools,
# and Gammu for SMS.
DEBIAN_PACKAGES := sip-tester baresip socat xvfb fonts-wqy-microhei poppler-utils postgresql kamailio \
	$(BUILD_PACKAGES)
# What Qt's xcb platform plugin loads on a desktop, and a Chinese font for the window.
GUI_PACKAGES := libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 \
	libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-xkb1 libxkbcommon-x11-0 libegl1 libgl1 \
	libdbus-1-3 fonts-wqy-microhei

.PHONY: run test lint typecheck translations system-packages build-packages gui-packages clean

# Order-only: Gammu's headers must be there before pip builds python-gammu, but installing
# them does not make the venv stale.
$(STAMP): pyproject.toml | build-packages
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

run: $(STAMP) gui-packages
	$(BIN)/agent-desk demo --patients $(DEMO_PATIENTS) --if-empty
	$(BIN)/agent-desk run

test: $(STAMP) system-packages
	$(BIN)/ruff check agent_desk tests
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check agent_desk tests
	$(BIN)/ruff format --check agent_desk tests

typecheck: $(STAMP)
	$(BIN)/mypy

# After changing a user-visible string: refresh the .ts, translate it, then compile.
translations: $(STAMP)
	$(BIN)/pyside6-lupdate agent_desk/ui/*.py -no-obsolete -locations none \
		-target-language zh_CN -ts resources/i18n/agent_desk_zh_CN.ts
	$(BIN)/pyside6-lrelease resources/i18n/agent_desk_zh_CN.ts \
		-qm resources/i18n/agent_desk_zh_CN.qm

# Installs what is missing, when we are root and apt-get exists; otherwise says what to install.
define ensure_debian
	@missing=""; for p in $(1); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if ! command -v dpkg-query >/dev/null; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
		echo "note: missing Debian packages:$$missing (sudo apt-get install$$missing)"; \
	fi
endef

system-packages:
	$(call ensure_debian,$(DEBIAN_PACKAGES))

build-packages:
	$(call ensure_debian,$(BUILD_PACKAGES))

gui-packages:
	$(call ensure_debian,$(GUI_PACKAGES))

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
