# The two commands: `make run` sets up and builds the default tree, `make test` sets up and tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TREE ?= hello_world

COLLECTION := collections/ansible_collections/kantoo/devkit
# ansible-test bootstraps pip with a script from a host this machine cannot reach; ours takes pip from the index.
GET_PIP := $(HOME)/.ansible/test/cache/get_pip_24_2.py

.PHONY: setup run test pytest unit molecule bench bench-debian bench-original lint sanity

$(BIN)/.installed: requirements.txt constraints.txt
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null && $(PYTHON) -m venv $(VENV); \
	  else echo "make setup: Python's venv module is missing; install it with: sudo apt-get install python3-venv" >&2; exit 1; fi; }
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt -c constraints.txt
	@touch $@

# Docker engine, debootstrap and the base image: installed and started only when missing.
setup: $(BIN)/.installed
	$(BIN)/ansible-playbook playbooks/setup.yml $(SETUP_ARGS)

run: setup
	$(BIN)/ansible-playbook playbooks/$(TREE).yml

# the unit tests first, as they are quick to fail; sanity (CPU) beside molecule (mostly waiting on apt and
# docker), each one's output kept together; the end-to-end tests last: their closing line is the summary CI reads
test: setup unit lint
	$(MAKE) --no-print-directory -j2 --output-sync=target sanity molecule
	$(E2E)

# unit tests, no Docker engine: the collection's, beside it in its tests/unit/, then the project's own in
# tests/unit/; two runs, since the collection's run on the collection alone and test module names repeat
unit: $(BIN)/.installed
	$(BIN)/pytest $(COLLECTION)/tests/unit
	$(BIN)/pytest tests/unit

# then the end-to-end runs against the real engine
E2E = $(BIN)/pytest tests --ignore=tests/unit --durations=15
pytest: unit setup
	$(E2E)

# every scenario in molecule/ (a role on an ordinary container: converge, idempotence, testinfra),
# MOLECULE_JOBS at a time; `make molecule SCENARIOS="stage4 debian_repo"` runs some
molecule: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" tests/molecule.sh $(SCENARIOS)

# every ratio of issue #17 is printed beside its goal: goals 1-3 by bench.py, goal 4 by debian.py
bench: setup
	$(BIN)/python bench/bench.py
	$(BIN)/python bench/debian.py
	$(BIN)/python bench/scaling.py
	$(BIN)/python bench/compare.py
	$(BIN)/python bench/engines.py

bench-debian: setup
	$(BIN)/python bench/debian.py

# the original devkit, set up from a checkout you give: make bench-original ORIGINAL=path/to/kantoo-devkit
bench-original: setup
	KANTOO_ORIGINAL="$(ORIGINAL)" KANTOO_ORIGINAL_PYTHON="$(ORIGINAL_PYTHON)" $(BIN)/python bench/original.py

lint: $(BIN)/.installed
	$(BIN)/ansible-lint

$(GET_PIP): tests/sanity/get_pip.py
	@mkdir -p $(dir $@) && cp $< $@

# ansible-test imports a plugin with only the collection root of this one: community.docker (a dependency in
# galaxy.yml, installed in the venv by pip's ansible) is linked in beside it, as ansible-galaxy would install it
DEPENDENCY := collections/ansible_collections/community/docker
$(DEPENDENCY): $(BIN)/.installed
	@mkdir -p $(dir $@)
	ln -sfn "$$($(BIN)/python -c 'import ansible_collections.community.docker as m; print(list(m.__path__)[0])')" $@

sanity: $(BIN)/.installed $(GET_PIP) $(DEPENDENCY)
	cd $(COLLECTION) && $(CURDIR)/$(BIN)/ansible-test sanity --python 3.11 --local
