"""Finding the data sets of a batch, generating a family with a manifest, and the command's refusals
(all before any cluster starts)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from cli.main import app
from discover.batch.manifest import find_datasets, read_manifest
from discover.core.errors import ConfigError, DataError
from discover.systems import get_system
from discover.systems.family import family, parse_vary

runner = CliRunner()


def _touch(path, text="t,x\n0,1\n"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_a_folder_a_pattern_and_files_give_one_data_set_per_file(tmp_path):
    for name in ("b.csv", "a.csv", "notes.txt"):
        _touch(tmp_path / "d" / name)
    sets = find_datasets(tmp_path / "d")
    assert [d.name for d in sets] == ["a", "b"] and all(len(d.paths) == 1 for d in sets)
    assert [d.name for d in find_datasets(str(tmp_path / "d" / "*.csv"))] == ["a", "b"]
    _touch(tmp_path / "e" / "a.csv")
    with pytest.raises(DataError, match="Two data sets are named 'a'"):
        find_datasets([tmp_path / "d" / "a.csv", tmp_path / "e" / "a.csv"])
    with pytest.raises(DataError, match="matches no file"):
        find_datasets(str(tmp_path / "none*.csv"))
    with pytest.raises(DataError, match="does not exist"):
        find_datasets(tmp_path / "nowhere")


def test_a_manifest_groups_files_carries_metadata_and_names_safe_folders(tmp_path):
    m = _touch(tmp_path / "manifest.csv", "file,name,temperature,site\nr1.csv,hot <1>,310,A\nr2.csv,hot <1>,310,A\n"
                                          "r3.csv,cold,280,B\n")
    sets = read_manifest(m)
    assert [d.name for d in sets] == ["hot <1>", "cold"]
    assert sets[0].folder == "hot_1" and len(sets[0].paths) == 2
    assert sets[0].metadata == {"temperature": 310, "site": "A"}
    assert [d.name for d in find_datasets(tmp_path)] == ["hot <1>", "cold"]  # a folder's manifest wins
    _touch(m, "file,temperature\nr1.csv,1\n")
    assert find_datasets(m)[0].name == "r1"
    _touch(m, "file,name,temperature\nr1.csv,a,1\nr2.csv,a,2\n")
    with pytest.raises(DataError, match="line 3: data set 'a' has temperature = 2 but 1 on line 2"):
        read_manifest(m)


def test_vary_makes_every_combination_and_refuses_what_is_not_a_parameter():
    lv = get_system("lotka_volterra")
    assert parse_vary("alpha=0.8:1.6:5", lv) == ("alpha", [0.8, 1.0, 1.2, 1.4, 1.6])
    assert parse_vary("beta=1,2", lv) == ("beta", [1.0, 2.0])
    assert len(family(lv, ["alpha=1:2:3", "beta=1,2"])) == 6
    with pytest.raises(ConfigError, match="did you mean 'alpha'"):
        parse_vary("alfa=1", lv)
    with pytest.raises(ConfigError, match="START:STOP:COUNT"):
        parse_vary("alpha=1:2", lv)


def test_generate_vary_writes_the_family_and_its_manifest_and_overwrites_nothing(tmp_path):
    out = tmp_path / "lv"
    args = ["generate", "lotka_volterra", "--vary", "alpha=0.8:1.6:3", "-o", str(out), "--points", "50"]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    manifest = pd.read_csv(out / "manifest.csv")
    assert list(manifest.columns) == ["file", "name", "alpha"] and list(manifest["alpha"]) == [0.8, 1.2, 1.6]
    assert list(manifest["file"]) == ["lv_1.csv", "lv_2.csv", "lv_3.csv"]
    first, last = (pd.read_csv(out / f) for f in ("lv_1.csv", "lv_3.csv"))
    assert len(first) == 50 and not first.equals(last)  # only alpha differs, and it shows in the data
    r = runner.invoke(app, args)
    assert r.exit_code == 2 and "already exists" in r.output


def test_batch_refuses_bad_input_before_any_cluster(tmp_path):
    _touch(tmp_path / "d" / "a.csv")
    run = tmp_path / "run"
    _touch(run / "run.json", json.dumps({"schema": "discover.run/1", "settings": {}}))
    cases = [
        ([str(tmp_path / "nowhere"), "-o", str(tmp_path / "o")], "does not exist"),
        ([str(tmp_path / "d"), "-o", str(run)], "run folder of `discover run`"),
        ([str(tmp_path / "d"), "-o", str(tmp_path / "o"), "--workers", "0"], "`--workers` is 0"),
        ([str(tmp_path / "d"), "-o", str(tmp_path / "o"), "--timeout", "-1"], "`--timeout` is -1"),
        ([str(tmp_path / "d"), "-o", str(tmp_path / "o"), "--workers", "2", "--scheduler", "tcp://h:1"], "leave `--workers` out"),
        ([str(tmp_path / "d"), "-o", str(tmp_path / "o"), "--methods", "sindyy"], "sindy"),
        ([str(tmp_path / "d"), "-o", str(tmp_path / "d")], "already holds files that discover did not write"),
    ]
    for args, message in cases:
        r = runner.invoke(app, ["batch", *args])
        assert r.exit_code == 2, (args, r.output)
        assert message in " ".join(r.output.split()), (args, r.output)
    assert not (tmp_path / "o").exists() and sorted(p.name for p in (tmp_path / "d").iterdir()) == ["a.csv"]
