# Two entry points for a new machine: `make run` (the full pipeline) and `make test`.
# Both create or refresh the Python 3.10 venv in .venv first.
SHELL := /bin/bash

VENV := .venv
VENV_PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_STAMP := demo/node_modules/.installed
# Everything the pipeline writes (pipeline root, ML Metadata, serving dir, TFDS cache).
OUTPUT_DIR ?= $(CURDIR)/tfx_output
# Folder with the four MNIST gz files for offline runs; empty means TFDS downloads them.
MNIST_DIR ?=
# Optional cap on examples per split, for small runs.
MAX_EXAMPLES ?=
# The pipeline's name: pipeline/configs.py's PIPELINE_NAME unless given, read with sed
# (importing configs would load TensorFlow, seconds for every make command).
CONFIGS_PIPELINE_NAME := $(shell sed -n "s/^PIPELINE_NAME = ['\"]\([^'\"]*\)['\"].*/\1/p" $(CURDIR)/pipeline/configs.py)
$(if $(CONFIGS_PIPELINE_NAME),,$(error Makefile: no PIPELINE_NAME = '...' line in $(CURDIR)/pipeline/configs.py))
PIPELINE_NAME ?= $(CONFIGS_PIPELINE_NAME)
# Where the TFX CLI keeps its registry of local pipelines.
LOCAL_HOME ?= $(OUTPUT_DIR)/tfx_cli

export TFX_OUTPUT_DIR := $(abspath $(OUTPUT_DIR))
# `override`: a command-line value (make run MNIST_DIR=../x) must become absolute too,
# since the pipeline and the tests' subprocesses run in other folders.
override MNIST_DIR := $(if $(MNIST_DIR),$(abspath $(MNIST_DIR)),)
export MNIST_DIR
export MAX_EXAMPLES
export PIPELINE_NAME
override LOCAL_HOME := $(abspath $(LOCAL_HOME))
export LOCAL_HOME

.PHONY: setup run test test-fast demo bench-ingest schedule lock clean

setup: $(STAMP) $(DEMO_STAMP)

# Rebuilt when the pins or the package metadata change. A venv of another Python
# version (or a broken one) is replaced.
$(STAMP): setup.py constraints.txt tools/find_python.sh
	@python=$$(tools/find_python.sh) || exit 1; \
	if ! $(VENV_PY) -c 'import sys; sys.exit(sys.version_info[:2] not in ((3, 10), (3, 9)))' 2>/dev/null; then \
	  echo "Creating $(VENV) with $$python"; rm -rf $(VENV); "$$python" -m venv $(VENV) || exit 1; \
	fi
	$(VENV_PY) -m pip install --quiet --upgrade 'pip==26.3' 'setuptools==75.6.0' 'wheel==0.48.0'
	$(VENV_PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

# LiteRT.js for the browser preview (make demo) and its test, pinned by demo/package-lock.json.
# Without npm the preview is unavailable and its tests report themselves skipped, saying why.
$(DEMO_STAMP): demo/package.json demo/package-lock.json
	@if command -v npm >/dev/null; then npm ci --prefix demo --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: make demo and the browser tests are unavailable"; fi

run: setup
	@cd $(CURDIR) && if [ -f "$(LOCAL_HOME)/$(PIPELINE_NAME)/pipeline_args.json" ]; then action=update; else action=create; fi; \
	$(VENV)/bin/tfx pipeline $$action --engine local --pipeline_path $(CURDIR)/local_runner.py
	$(VENV)/bin/tfx run create --engine local --pipeline_name $(PIPELINE_NAME)

# Without MNIST_DIR, the four files are fetched once through TFDS's downloader into this
# cache (checked against TFDS's registered SHA-256 sums); with it, nothing goes online.
MNIST_CACHE ?= $(HOME)/.cache/mnist_gan/mnist

# pytest with MNIST_DIR set: the given folder, else the cache (fetched once when missing).
PYTEST = mnist_dir="$(MNIST_DIR)"; \
	if [ -z "$$mnist_dir" ]; then mnist_dir=$$($(VENV_PY) tools/fetch_mnist.py "$(MNIST_CACHE)") || exit 1; fi; \
	echo "MNIST files: $$mnist_dir"; \
	MNIST_DIR="$$mnist_dir" $(VENV_PY) -m pytest

test: setup
	@$(PYTEST) tests

# The unit tests only (no pipeline runs, no TFLite conversion of a real model, no training
# beyond a few steps): the files tests/tiers.py does not mark slow (docs/tests.md).
test-fast: setup
	@$(PYTEST) -m 'not slow' tests

# Serves the serving folder and the preview page on localhost (docs/mobile.md); PORT= to pick one.
demo: setup
	$(VENV_PY) tools/serve_demo.py --serving_dir $(TFX_OUTPUT_DIR)/serving $(if $(PORT),--port $(PORT))

bench-ingest: setup
	$(VENV_PY) bench/ingest.py

# When cron starts the pipeline (minute hour day month weekday; default daily at 03:00).
CRON_SCHEDULE ?= 0 3 * * *
# The run knobs (pipeline/run_knobs.py) and BEAM_* settings the cron line passes on when
# set: `tfx run create` builds the pipeline anew from cron's environment, so without them a
# `make schedule PRESET=mlp` would train the default preset. VAR='value', quoted for sh.
CRON_KNOB_VARIABLES = PRESET TRAIN_STEPS CLASSIFIER_TRAIN_STEPS EVAL_SAMPLES MAX_EXAMPLES \
  STOP_AFTER WARM_START INCOMING_DIR GAN_CONFIG MODEL_AUTHOR MODEL_LICENSE TFDS_DATA_DIR \
  $(sort $(filter BEAM_%,$(.VARIABLES)))
CRON_KNOBS = $(strip $(foreach v,$(CRON_KNOB_VARIABLES),$(if $($(v)),$(v)='$(subst ','\'',$($(v)))')))
# For pipeline/check_settings.py, which checks it with the other settings of the cron line.
export CRON_SCHEDULE
# One line, as crontab needs. flock -n makes cron skip a start while the previous run still
# holds the lock; a lock file of its own, because local_runner.py locks .run.lock itself and
# would refuse to run while its parent held that one.
CRON_LINE = $(CRON_SCHEDULE) cd $(CURDIR) && mkdir -p $(TFX_OUTPUT_DIR) && \
  TFX_OUTPUT_DIR=$(TFX_OUTPUT_DIR) MNIST_DIR=$(if $(MNIST_DIR),$(abspath $(MNIST_DIR)),) \
  LOCAL_HOME=$(abspath $(LOCAL_HOME)) PIPELINE_NAME=$(PIPELINE_NAME)$(if $(CRON_KNOBS), $(CRON_KNOBS)) \
  flock -n $(TFX_OUTPUT_DIR)/.cron.lock \
  $(CURDIR)/$(VENV)/bin/tfx run create --engine local --pipeline_name $(PIPELINE_NAME) \
  >> $(TFX_OUTPUT_DIR)/cron.log 2>&1

# Prints the crontab line (add it with `crontab -e`) for the pipeline `make run` registered.
# Checks the line's settings first (pipeline/check_settings.py): a bad CRON_SCHEDULE would
# otherwise surface only in `crontab -e`, a bad folder only in cron.log at the first start.
# KNOBS (checked only when one is set: it imports TensorFlow) are the run knobs and BEAM_*.
schedule: setup
	@TF_CPP_MIN_LOG_LEVEL=3 PYTHONWARNINGS=ignore $(VENV_PY) -m pipeline.check_settings CRON_SCHEDULE PIPELINE_NAME TFX_OUTPUT_DIR LOCAL_HOME \
	  MNIST_DIR INCOMING_DIR TFDS_DATA_DIR $(if $(CRON_KNOBS),KNOBS)
	@printf '%s\n' '$(subst ','\'',$(CRON_LINE))'

# Re-resolves the pins from setup.py in a scratch venv and rewrites constraints.txt.
lock:
	@python=$$(tools/find_python.sh) || exit 1; rm -rf /tmp/lock-venv; "$$python" -m venv /tmp/lock-venv
	/tmp/lock-venv/bin/pip install --quiet --upgrade 'pip==26.3' 'setuptools==75.6.0' 'wheel==0.48.0'
	/tmp/lock-venv/bin/pip install --quiet -e '.[dev]'
	{ head -2 constraints.txt; /tmp/lock-venv/bin/pip freeze --exclude-editable | sort -f; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean:
	rm -rf $(OUTPUT_DIR)
