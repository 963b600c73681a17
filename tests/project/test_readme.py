"""The README's examples run: the curl block against a live fake, the accounts file through the loader."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from mockserver import MockConfig
from mockserver.hosting.server import ThreadedServer

README = Path(__file__).resolve().parents[2] / "README.md"


def block_after(marker: str, language: str) -> str:
    text = README.read_text("utf-8")
    match = re.search(re.escape(marker) + r".*?```" + language + r"\n(.*?)```", text, re.DOTALL)
    assert match, f"no {language} block after {marker!r} in the README"
    return match.group(1)


def test_readme_starts_with_the_two_commands() -> None:
    first_block = re.search(r"```sh\n(.*?)```", README.read_text("utf-8"), re.DOTALL)
    assert first_block is not None
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands == ["make run", "make test"]


@pytest.mark.skipif(not (shutil.which("curl") and shutil.which("openssl")), reason="needs curl and openssl")
def test_curl_example_against_the_demo_account() -> None:
    script = block_after('README example "curl-demo"', "sh")
    expected = block_after("\nprints\n", "")
    with ThreadedServer(config=MockConfig.demo()) as server:
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            env={**os.environ, "BASE": server.url},
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected


def test_accounts_file_example_loads(tmp_path: Path) -> None:
    example = block_after("An accounts file", "toml")
    tomllib.loads(example)
    path = tmp_path / "accounts.toml"
    path.write_text(example)
    with ThreadedServer(config=MockConfig.from_accounts_file(path)) as server:
        account = server.state.exchange.describe_account("alice")
    assert account is not None and account["symbols"]["BTCUSDT"]["marginType"] == "ISOLATED"
    assert {k.api_key for k in server.state.exchange.registered_keys()} == {"aliceKey", "aliceEd"}


def test_examples_in_the_readme_are_the_example_files() -> None:
    text = README.read_text("utf-8")
    included = re.findall(r"<!-- example: (tests/examples/\S+) -->\n```python\n(.*?)```", text, re.DOTALL)
    examples_dir = README.parent / "tests" / "examples"
    assert {path for path, _ in included} == {f"tests/examples/{p.name}" for p in examples_dir.glob("*.py")}
    for path, code in included:
        assert code == (README.parent / path).read_text("utf-8"), f"README's copy of {path} is stale"


def test_reference_client_example_runs_against_the_demo_url_in_process() -> None:
    from mockserver import BinanceInterceptor

    code = block_after("## The reference client", "python")
    with BinanceInterceptor(config=MockConfig(keys=[{"apiKey": "readmeKey", "secret": "readmeSecret"}])) as fake:
        namespace: dict[str, object] = {"api_key": "readmeKey", "secret": "readmeSecret"}
        exec(compile(code, "README.md", "exec"), namespace)
        account = fake.state.exchange.describe_account("readmeKey")
    assert account is not None and account["symbols"]["BTCUSDT"]["marginType"] == "ISOLATED"
    assert account["symbols"]["BTCUSDT"]["leverage"] == 10
    # time 1, position mode 1 (already One-way: -4059), marginType 1, leverage 1, symbolConfig 5, brackets 1,
    # positions v3 5, balance v3 5
    assert namespace["client"].used_weight == 1 + 1 + 1 + 1 + 5 + 1 + 5 + 5  # type: ignore[attr-defined]
