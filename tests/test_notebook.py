"""The worked notebook in examples/ runs from top to bottom and shows what it claims."""

import shutil
from pathlib import Path

import pytest

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("ipykernel")

EXAMPLES = Path(__file__).parents[1] / "examples"


def test_the_example_notebook_runs(tmp_path):
    shutil.copy(EXAMPLES / "notebook.ipynb", tmp_path)
    shutil.copy(EXAMPLES / "lotka_volterra.csv", tmp_path)
    nb = nbformat.read(tmp_path / "notebook.ipynb", as_version=4)
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = {i: c.outputs for i, c in enumerate(nb.cells) if c.cell_type == "code"}
    text = "\n".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") for cell in outputs.values() for o in cell)
    assert "dx/dt" in text and "x*y" in text          # print(model): the selected system
    err = float(outputs[max(i for i, c in enumerate(nb.cells) if "to_python" in c.source)][-1]["data"]["text/plain"])
    assert err < 1e-6                                    # the exported module integrates to the same trajectory
    assert (tmp_path / "nb_run" / "equations.json").exists() and (tmp_path / "lv_model.py").exists()
