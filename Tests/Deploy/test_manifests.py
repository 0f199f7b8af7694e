"""The deploy files as an operator gets them: every YAML file lints, every Kubernetes manifest
validates offline (kubernetes-validate's schemas, and deploy/kubernetes/schemas for KEDA's kinds),
and the example overlay, rendered, holds together: each Secret, image, scale target and
selector a resource names is there (docs/operations.md, "Installing on Kubernetes")."""
import copy
import shutil
import subprocess
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml
from yamllint import linter
from yamllint.config import YamlLintConfig

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES = ROOT / "deploy" / "kubernetes"
# The oldest Kubernetes release the manifests promise to run on (docs/operations.md).
KUBERNETES_VERSION = "1.29.0"
KEDA_SCHEMA = yaml.safe_load((KUBERNETES / "schemas" / "keda.sh-v1alpha1.yaml").read_text())
YAML_FILES = sorted(p for folder in ("deploy", "docs") for p in (ROOT / folder).rglob("*.y*ml"))
MANIFESTS = sorted(p for p in KUBERNETES.rglob("*.yaml") if p.name != "kustomization.yaml" and "schemas" not in p.parts)
OVERLAYS = sorted(p.parent for p in (KUBERNETES / "overlays").glob("*/kustomization.yaml"))


def documents(path):
    return [d for d in yaml.safe_load_all(path.read_text()) if d is not None]


def validate(resource):
    """Raises if the resource does not validate strictly (unknown fields fail too)."""
    if resource["apiVersion"].startswith("keda.sh/"):
        schema = dict(KEDA_SCHEMA, **{"$ref": f"#/$defs/{resource['kind']}"})
        jsonschema.validate(resource, schema, cls=jsonschema.Draft202012Validator)
    else:
        kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_yaml_lints(path):
    config = YamlLintConfig(file=str(ROOT / ".yamllint.yaml"))
    errors = [f"{p.line}:{p.column} {p.message}" for p in linter.run(path.read_text(), config) if p.level == "error"]
    assert not errors, errors


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: str(p.relative_to(KUBERNETES)))
def test_each_manifest_validates(path):
    for resource in documents(path):
        validate(resource)


def test_a_misspelt_field_fails_validation():
    """The checks above can fail: a typo in a Deployment or a ScaledObject is caught."""
    deployment = next(r for r in documents(KUBERNETES / "base" / "intake.yaml") if r["kind"] == "Deployment")
    broken = copy.deepcopy(deployment)
    broken["spec"]["replica"] = 2
    with pytest.raises(kubernetes_validate.ValidationError):
        validate(broken)
    scaled = next(r for r in documents(KUBERNETES / "base" / "intake.yaml") if r["kind"] == "ScaledObject")
    broken = copy.deepcopy(scaled)
    broken["spec"]["triggers"][0]["metadata"]["queuename"] = "intake.submissions"
    with pytest.raises(jsonschema.ValidationError):
        validate(broken)


def render(overlay):
    """The overlay as kustomize renders it, for the features Kefu's kustomizations use (any other
    key fails here, so this stays true to kustomize): resources, namespace, images and secrets."""
    kustomization = yaml.safe_load((overlay / "kustomization.yaml").read_text())
    known = {"apiVersion", "kind", "resources", "namespace", "images", "secretGenerator", "generatorOptions"}
    assert set(kustomization) <= known, f"{overlay}: {set(kustomization) - known} is not rendered here"
    resources = []
    for entry in kustomization.get("resources", []):
        target = overlay / entry
        resources += render(target) if target.is_dir() else documents(target)
    for generator in kustomization.get("secretGenerator", []):
        data = {}
        for env in generator.get("envs", []):
            for line in (overlay / env).read_text().splitlines():
                if line.strip() and not line.lstrip().startswith("#"):
                    key, separator, value = line.partition("=")
                    assert separator, f"{env}: {line!r} is not KEY=VALUE"
                    data[key.strip()] = value
        resources.append({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": generator["name"]},
                          "type": "Opaque", "stringData": data})
    images = {image["name"]: image for image in kustomization.get("images", [])}
    for resource in resources:
        if "namespace" in kustomization and resource["kind"] != "Namespace":
            resource["metadata"]["namespace"] = kustomization["namespace"]
        for container in containers(resource):
            name, _, _ = container["image"].partition(":")
            if name in images:
                container["image"] = f"{images[name].get('newName', name)}:{images[name]['newTag']}"
    return resources


def pod_spec(resource):
    spec = resource.get("spec", {})
    return spec.get("template", {}).get("spec") if resource["kind"] in ("Deployment", "Job") else None


def containers(resource):
    spec = pod_spec(resource)
    return (spec.get("containers", []) + spec.get("initContainers", [])) if spec else []


@pytest.mark.parametrize("overlay", OVERLAYS, ids=lambda p: p.name)
def test_the_overlay_renders_and_holds_together(overlay):
    resources = render(overlay)
    for resource in resources:
        validate(resource)
    named = {(r["kind"], r["metadata"]["name"]) for r in resources}
    deployments = {r["metadata"]["name"]: r for r in resources if r["kind"] == "Deployment"}
    assert len(deployments) == 7, sorted(deployments)
    for resource in resources:
        for container in containers(resource):
            assert container["image"].startswith("registry.example.com/"), f"{container['image']} is not set by the overlay"
            references = [source["secretRef"]["name"] for source in container.get("envFrom", []) if "secretRef" in source]
            references += [e["valueFrom"]["secretKeyRef"]["name"] for e in container.get("env", [])
                           if "secretKeyRef" in e.get("valueFrom", {})]
            for secret in references:
                assert ("Secret", secret) in named, f"{resource['metadata']['name']} reads the missing Secret {secret}"
        if resource["kind"] == "ScaledObject":
            assert resource["spec"]["scaleTargetRef"]["name"] in deployments
            for trigger in resource["spec"]["triggers"]:
                assert ("TriggerAuthentication", trigger["authenticationRef"]["name"]) in named
        if resource["kind"] in ("Service", "PodDisruptionBudget"):
            selector = resource["spec"]["selector"]
            selector = selector.get("matchLabels", selector)
            assert any(selector.items() <= d["spec"]["template"]["metadata"]["labels"].items() for d in deployments.values()), \
                f"{resource['kind']} {resource['metadata']['name']} selects no pods"


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed (Debian's kubernetes-client renders the same)")
@pytest.mark.parametrize("overlay", OVERLAYS, ids=lambda p: p.name)
def test_kubectl_renders_the_same_resources(overlay):
    rendered = subprocess.run(["kubectl", "kustomize", str(overlay)], check=True, capture_output=True, text=True).stdout
    theirs = {(r["kind"], r["metadata"]["name"].rsplit("-", 1)[0] if r["kind"] == "Secret" else r["metadata"]["name"])
              for r in yaml.safe_load_all(rendered) if r}
    ours = {(r["kind"], r["metadata"]["name"]) for r in render(overlay)}
    assert theirs == ours
