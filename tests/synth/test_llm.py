"""Free-text fields and whole records written by the embedded SmolLM2, locally and through ``hfkit serve``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hfkit.generation.structured import validation_errors
from hfkit.synth.api import SynthOptions, synth
from hfkit.synth.templates import load_template
from tests.synth.conftest import cli

SLOGANS = {
    "type": "object", "description": "Tourism slogans of cities",
    "properties": {"city": {"enum": ["Berlin", "Paris", "Rome", "Oslo"]},
                   "slogan": {"type": "string", "minLength": 3, "maxLength": 60, "x-llm": "A short slogan for the city"}},
    "required": ["city", "slogan"],
}


def test_text_fields_are_written_by_the_model_reproducibly() -> None:
    options = SynthOptions(seed=4)
    result = synth(SLOGANS, 2, options=options)
    assert all(not validation_errors(SLOGANS, r) for r in result.records)
    assert len({r["slogan"] for r in result.records}) == 2
    report = result.report
    assert report["model"] == "smollm2-135m-instruct"
    assert report["tokens"]["completion"] > 0 and report["tokens"]["prompt"] > 0
    assert synth(SLOGANS, 2, options=options).records == result.records  # same seed, same engine: same text


@pytest.mark.slow
def test_template_text_fields_fit_their_schema() -> None:
    result = synth("social_media_posts", 3, options=SynthOptions(seed=4))
    schema = load_template("social_media_posts")
    assert all(not validation_errors(schema, r) for r in result.records)
    assert len({r["text"] for r in result.records}) == 3


@pytest.mark.slow
def test_whole_records_are_valid_and_keep_sampled_ids() -> None:
    result = synth("employees", 2, options=SynthOptions(seed=1, whole_records=True, attempts_per_record=20))
    schema = load_template("employees")
    assert len(result.records) == 2
    assert all(not validation_errors(schema, r) for r in result.records)
    assert {r["employee_id"] for r in result.records} <= {f"EMP-{i:07d}" for i in range(1, 60)}


def test_description_picks_the_closest_template_and_adapts_it(in_tmp: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["synth", "customer profiles for a bike shop in Berlin", "-n", "5", "--llm", "none",
                "-o", "bikes.jsonl"]) == 0
    err = capsys.readouterr().err
    assert "matched the built-in template 'customers'" in err
    records = [json.loads(line) for line in (in_tmp / "bikes.jsonl").read_text().splitlines()]
    assert len(records) == 5 and all(r["country"] == "Germany" for r in records)  # Berlin -> de_DE
    manifest = json.loads((in_tmp / "bikes.report.json").read_text())["manifest"]
    assert manifest["source"] == "description" and manifest["settings"]["locale"] == "de_DE"


@pytest.mark.slow
def test_server_path_runs_concurrently(openai_server: str, in_tmp: Path) -> None:
    rc = cli(["synth", "product_reviews", "-n", "3", "--llm", "openai:smollm2-135m-instruct", "--base-url",
              openai_server, "--concurrency", "3", "--seed", "1", "-o", "r.jsonl"])
    assert rc == 0
    records = [json.loads(line) for line in (in_tmp / "r.jsonl").read_text().splitlines()]
    schema = load_template("product_reviews")
    assert len(records) == 3 and all(not validation_errors(schema, r) for r in records)
    report = json.loads((in_tmp / "r.report.json").read_text())
    assert report["manifest"]["options"]["concurrency"] == 3


@pytest.mark.fast
def test_proposal_becomes_a_usable_schema() -> None:
    from hfkit.synth.propose import to_schema

    proposal = {"title": "Bike rentals", "fields": [
        {"name": "Rental ID", "kind": "id", "categories": [], "minimum": 0, "maximum": 0, "description": ""},
        {"name": "bike_type", "kind": "category", "categories": ["city", "e-bike", "city"], "minimum": 0,
         "maximum": 0, "description": "type"},
        {"name": "hours", "kind": "integer", "categories": [], "minimum": 24, "maximum": 1, "description": ""},
        {"name": "rider", "kind": "person_name", "categories": [], "minimum": 0, "maximum": 0, "description": ""},
    ]}
    schema = to_schema("bike rentals in Paris", proposal)
    assert list(schema["properties"]) == ["rental_id", "bike_type", "hours", "rider"]
    records = synth(schema, 20, options=SynthOptions(seed=1, llm=None)).records
    assert {r["bike_type"] for r in records} <= {"city", "e-bike"} and all(1 <= r["hours"] <= 24 for r in records)


@pytest.mark.slow
def test_model_proposes_a_schema_under_the_grammar(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["synth", "bike rentals in Paris", "--propose", "--show-schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["type"] == "object" and schema["properties"]  # a 135M model proposes few distinct fields


class _Overloaded:
    """A proxy in front of ``hfkit serve`` that answers 429 then 503 to the first requests, like a busy server."""

    def __init__(self, upstream: str, failures: list[int]) -> None:
        import http.server
        import threading
        import urllib.request

        self.failures = list(failures)
        self.seen: list[int] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if outer.failures:
                    code = outer.failures.pop(0)
                    outer.seen.append(code)
                    self.send_response(code)
                    self.send_header("Retry-After", "0")
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"{}")
                    return
                outer.seen.append(200)
                request = urllib.request.Request(upstream.rstrip("/") + self.path.removeprefix("/v1"), data=body,
                                                 headers={"Content-Type": "application/json"})
                with urllib.request.urlopen(request, timeout=300) as answer:
                    data = answer.read()
                    self.send_response(answer.status)
                    self.send_header("Content-Type", answer.headers.get("Content-Type", "text/event-stream"))
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                return

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"


@pytest.mark.slow
def test_429_and_5xx_answers_are_retried_with_back_off(openai_server: str) -> None:
    proxy = _Overloaded(openai_server, [429, 503, 429])
    try:
        result = synth(SLOGANS, 2, options=SynthOptions(seed=3, llm="openai:smollm2-135m-instruct",
                                                         base_url=proxy.url, concurrency=2))
    finally:
        proxy.server.shutdown()
    assert len(result.records) == 2 and all(not validation_errors(SLOGANS, r) for r in result.records)
    assert proxy.seen[:3] == [429, 503, 429] and result.report["model_failures"] == 0
