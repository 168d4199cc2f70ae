"""The Kubernetes manifests (deploy/k8s/) and compose.yaml hold what a class needs: they validate against the
Kubernetes schemas offline (kubernetes-validate ships them), every replica shares one Redis, the Ingress pins a
browser to its pod with a cookie and keeps websockets open, and the pods run the image as compose does."""

from __future__ import annotations

from pathlib import Path

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
MANIFESTS = sorted((ROOT / "deploy" / "k8s").glob("*.yaml"))
VERSION = "1.30.0"  # a Kubernetes still served by every managed provider; the manifests use nothing newer


def documents() -> list[dict]:
    return [doc for path in MANIFESTS for doc in yaml.safe_load_all(path.read_text()) if doc]


def resource(kind: str, name: str) -> dict:
    return next(d for d in documents() if d["kind"] == kind and d["metadata"]["name"] == name)


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_every_manifest_validates_against_the_kubernetes_schemas_offline(path):
    for document in yaml.safe_load_all(path.read_text()):
        kubernetes_validate.validate(document, VERSION, strict=True)  # raises ValidationError


def test_the_validator_rejects_a_misspelt_field():
    """So the test above can fail: strict validation refuses a field the schema does not know."""
    broken = resource("Deployment", "gradient-lab")
    broken["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, VERSION, strict=True)


def test_all_four_pieces_are_there():
    kinds = {(d["kind"], d["metadata"]["name"]) for d in documents()}
    assert kinds == {
        ("Deployment", "gradient-lab"),
        ("Service", "gradient-lab"),
        ("Ingress", "gradient-lab"),
        ("Deployment", "gradient-lab-redis"),
        ("Service", "gradient-lab-redis"),
    }


def _container(name: str) -> dict:
    return resource("Deployment", name)["spec"]["template"]["spec"]["containers"][0]


def _selects(service: dict, deployment: dict) -> bool:
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    return service["spec"]["selector"].items() <= labels.items()


def test_every_replica_reaches_the_one_redis_through_its_service():
    app, redis = resource("Deployment", "gradient-lab"), resource("Service", "gradient-lab-redis")
    assert app["spec"]["replicas"] >= 2
    env = {e["name"]: e["value"] for e in _container("gradient-lab")["env"]}
    port = redis["spec"]["ports"][0]["port"]
    assert env["REDIS_URL"] == f"redis://{redis['metadata']['name']}:{port}/0"
    assert _selects(redis, resource("Deployment", "gradient-lab-redis"))
    assert resource("Deployment", "gradient-lab-redis")["spec"]["replicas"] == 1  # one store, or rooms split
    args = _container("gradient-lab-redis")["args"]
    assert args[args.index("--maxmemory-policy") + 1] == "noeviction"  # full: refuse, never drop answers


def test_the_ingress_pins_a_browser_to_its_pod_and_keeps_the_websocket_open():
    ingress = resource("Ingress", "gradient-lab")
    notes = ingress["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert int(notes["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    service = resource("Service", backend["name"])
    assert backend["port"]["name"] in {p["name"] for p in service["spec"]["ports"]}
    assert _selects(service, resource("Deployment", "gradient-lab"))


def test_the_pods_run_the_image_as_its_non_root_user_with_a_health_probe_and_the_memory_target():
    pod = resource("Deployment", "gradient-lab")["spec"]["template"]["spec"]
    app = _container("gradient-lab")
    assert pod["securityContext"]["runAsNonRoot"] and pod["securityContext"]["runAsUser"] == 1000
    assert "useradd --create-home --uid 1000 lab" in (ROOT / "Dockerfile").read_text()
    assert app["readinessProbe"]["httpGet"]["path"] == "/_stcore/health"
    assert app["ports"][0]["containerPort"] == 8501
    assert app["resources"]["limits"]["memory"] == "690Mi"


def test_compose_gives_every_replica_the_redis_service():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    redis = services["redis"]
    assert "redis-cli" in redis["healthcheck"]["test"]
    apps = [name for name in services if name.startswith("app")]
    assert len(apps) >= 2
    for name in apps:
        assert services[name]["environment"]["REDIS_URL"] == "redis://redis:6379/0"
        assert services[name]["depends_on"]["redis"]["condition"] == "service_healthy"
