"""Each service's OpenAPI document (docs/openapi/) is valid OpenAPI 3.1, is what the running
service serves at /openapi.yaml, and describes what the service really does: schemathesis
fuzzes every operation of the test stack with an admin token and fails on any 5xx, on an answer
or status the document does not describe, and on bad input the service accepts
(docs/http-api.md, "Contracts")."""
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import yaml
from console_session import console_session  # noqa: F401 (a fixture, used by name)
from openapi_spec_validator import validate

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ["intake", "classification", "dispatch", "notification", "survey", "console", "knowledge"]
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance,negative_data_rejection"
# Enough to reach every operation's boundaries and a little beyond, within a few minutes a service.
EXAMPLES = os.environ.get("KEFU_CONTRACT_EXAMPLES", "10")
# Operations left out of the fuzzing because they would end the run itself; the browser tests
# cover them. Everything else is fuzzed, destructive or not: this suite runs last.
EXCLUDED = {
    "console": ["signOut",        # ends the session the run signs in with
                "liveEvents"],    # an event stream, which never ends while the session lives
}


def document(service):
    return ROOT / "docs" / "openapi" / f"{service}.yaml"


def url(service):
    return os.environ[f"KEFU_{service.upper()}_URL"]


def fetch(address):
    with urllib.request.urlopen(address, timeout=10) as answer:
        return answer.headers["Content-Type"], answer.read().decode()


@pytest.mark.parametrize("service", SERVICES)
def test_the_document_is_valid_openapi_3_1(service):
    spec = yaml.safe_load(document(service).read_text())
    assert spec["openapi"].startswith("3.1")
    validate(spec)


@pytest.mark.parametrize("service", SERVICES)
def test_the_service_serves_its_documents(service):
    content_type, served = fetch(f"{url(service)}/openapi.yaml")
    assert content_type.startswith("application/yaml")
    assert served == document(service).read_text(), "the running binary was built from this document"
    _, served = fetch(f"{url(service)}/asyncapi.yaml")
    assert served == (ROOT / "docs" / "asyncapi.yaml").read_text()


@pytest.mark.parametrize("service", SERVICES)
def test_the_service_does_what_its_document_says(service, tmp_path, request):
    headers = [f"Authorization: Bearer {os.environ['KEFU_ADMIN_TOKEN']}"]
    if service == "console":
        cookie, csrf = request.getfixturevalue("console_session")
        headers += [f"Cookie: {cookie}", f"X-CSRF-Token: {csrf}"]
    # The credentials come from the headers; generated ones would only be refused.
    config = tmp_path / "schemathesis.toml"
    config.write_text("[generation]\nwith-security-parameters = false\n")
    command = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "run", str(document(service)),
               "--url", url(service), "--checks", CHECKS,
               "--max-examples", EXAMPLES, "--phases", "examples,coverage,fuzzing", "--generation-database", "none",
               "--workers", "1", "--no-color", "--seed", "1", "--report", "junit", "--report-dir", str(tmp_path)]
    for header in headers:
        command += ["-H", header]
    for operation in EXCLUDED.get(service, []):
        command += ["--exclude-operation-id", operation]
    run = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-5000:]
