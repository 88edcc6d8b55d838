# Two commands a new user needs: `make demo` (set up, run the Lorenz example, write a report)
# and `make test` (set up, run the tests). Both create .venv and install with pip.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: setup demo test test-all test-latest lock reports clean

# Installs the tested versions (constraints.txt); `make test-latest` tries the newest releases.
$(BIN)/discover: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $(BIN)/discover

setup: $(BIN)/discover

demo: setup
	$(BIN)/discover run examples/lorenz.csv --out runs/lorenz
	@echo "Open runs/lorenz/report.html"

test: setup
	$(BIN)/python -m pytest -q

test-all: setup
	HYPOTHESIS_PROFILE=thorough $(BIN)/python -m pytest -q -m "slow or not slow"

# The plug-in contract tests (and the fast suite) against the newest releases pip resolves, in
# their own environment; `make lock` then records those versions as the tested set.
LATEST ?= .venv-latest
test-latest:
	rm -rf $(LATEST)
	$(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/python -m pip install --quiet --upgrade pip
	$(LATEST)/bin/python -m pip install --quiet -e ".[test]"
	$(LATEST)/bin/python -m pytest -q tests/test_contracts.py tests/distillers/test_sindy.py -k contract
	$(LATEST)/bin/python -m pytest -q

lock: test-latest
	{ sed -n '1,2p' constraints.txt; $(LATEST)/bin/python -m pip freeze --exclude-editable | grep -v '^-e'; } > constraints.new
	mv constraints.new constraints.txt

# The example data (generated when missing: `discover generate` never overwrites a file) and the
# committed example reports, regenerated.
reports: setup
	test -f examples/lorenz.csv || $(BIN)/discover generate lorenz --noise 0.01 --points 4000 --seed 0 -o examples/lorenz.csv
	test -f examples/lotka_volterra.csv || $(BIN)/discover generate lotka_volterra --noise 0.01 --points 600 --trajectories 3 --seed 1 -o examples/lotka_volterra.csv
	test -f examples/pendulum.csv || $(BIN)/discover generate pendulum --noise 0.01 --points 1000 --trajectories 3 --seed 0 -o examples/pendulum.csv
	test -f examples/lotka_volterra_sparse.csv || $(BIN)/discover generate lotka_volterra --noise 0.05 --points 30 --t-end 3 --seed 1 -o examples/lotka_volterra_sparse.csv
	test -f examples/duffing_forced.csv || $(BIN)/discover generate duffing_forced --input sine --noise 0.01 --points 1000 --trajectories 3 --seed 0 -o examples/duffing_forced.csv
	test -f examples/burgers.csv || $(BIN)/discover generate burgers --noise 0.01 --positions 64 --seed 0 -o examples/burgers.csv
	$(BIN)/discover run examples/lorenz.csv --out reports/lorenz
	$(BIN)/discover run examples/lotka_volterra.csv --out reports/lotka_volterra
	$(BIN)/discover run examples/lynx_hare.csv --time year --out reports/lynx_hare
	$(BIN)/discover run examples/pendulum.csv --out reports/pendulum
	$(BIN)/discover run examples/lotka_volterra_sparse.csv --methods pinn --known 'x: a*x' --known 'y: -d*y' --out reports/lotka_volterra_pinn
	$(BIN)/discover run examples/lorenz.csv --states x --methods havok,hankel --out reports/lorenz_delay
	$(BIN)/discover run examples/duffing_forced.csv --inputs u --out reports/duffing_forced
	$(BIN)/discover run examples/burgers.csv --space x --out reports/burgers

clean:
	rm -rf $(VENV) runs .pytest_cache
