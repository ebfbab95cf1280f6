#!/usr/bin/env python3
"""Checks the Kubernetes manifests in deploy/kubernetes/ without a cluster.

Parses every YAML file and checks the cross-references that break a
deployment without any YAML error: selectors against pod labels, the Service
and probe ports against the container's, volume, ConfigMap and Secret names
and keys, `--shard auto/N` against the replicas, the image tag against the
release, the security settings the docs promise, and the config inside the
ConfigMap against the pod (state_dir on the state volume, metrics port,
secret files in the Secret). With --collector BIN it also runs
`BIN check-config` on that config, with the Secret's files in place, once
whole and once per shard (the shards must own every console once).

  scripts/check-manifests.py [--dir deploy/kubernetes] [--collector BIN]
  scripts/check-manifests.py --self-test   # each known mistake must be caught

Exit 0 when clean, 1 with one line per problem. Needs python3 and PyYAML
(Debian: python3-yaml, installed by scripts/install-deps.sh).
"""

import argparse
import base64
import copy
import json
import os
import re
import subprocess
import sys
import tempfile

try:
    import yaml
except ImportError:
    sys.exit("check-manifests: PyYAML is missing: install python3-yaml (scripts/install-deps.sh does)")

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KUSTOMIZATION = "kustomization.yaml"
# How long the daemon may take to stop (docs/design.md section 8: about 5 s)
# plus margin: a shorter grace period kills it mid-delivery.
MIN_GRACE_SECONDS = 15


class Manifests:
    """The parsed directory: the kustomization and every object by file."""

    def __init__(self, directory):
        self.directory = directory
        self.kustomization = None
        self.objects = []  # (file name, object)
        self.errors = []
        for name in sorted(os.listdir(directory)):
            if not name.endswith((".yaml", ".yml")):
                continue
            path = os.path.join(directory, name)
            try:
                with open(path, encoding="utf-8") as f:
                    docs = [d for d in yaml.safe_load_all(f) if d is not None]
            except yaml.YAMLError as e:
                self.errors.append(f"{name}: not valid YAML: {e}")
                continue
            if name == KUSTOMIZATION:
                self.kustomization = docs[0] if docs else {}
                continue
            for doc in docs:
                self.objects.append((name, doc))

    def of_kind(self, kind):
        return [o for _, o in self.objects if isinstance(o, dict) and o.get("kind") == kind]

    def named(self, kind, name):
        for o in self.of_kind(kind):
            if o.get("metadata", {}).get("name") == name:
                return o
        return None


def project_version():
    with open(os.path.join(REPO, "CMakeLists.txt"), encoding="utf-8") as f:
        m = re.search(r"project\(\s*s1-collector\s+VERSION\s+([0-9.]+)", f.read())
    return m.group(1) if m else None


def subset(small, big):
    return bool(small) and all(big.get(k) == v for k, v in small.items())


def shard_arg(args):
    """The value of --shard in a container's args, or None."""
    for i, a in enumerate(args):
        if a == "--shard" and i + 1 < len(args):
            return args[i + 1]
        if a.startswith("--shard="):
            return a.split("=", 1)[1]
    return None


def config_arg(args):
    for i, a in enumerate(args):
        if a in ("-c", "--config") and i + 1 < len(args):
            return args[i + 1]
        if a.startswith("--config="):
            return a.split("=", 1)[1]
    return None


def secret_data(secret):
    """The Secret's files: stringData as is, data base64-decoded."""
    out = {k: base64.b64decode(v).decode() for k, v in (secret.get("data") or {}).items()}
    out.update(secret.get("stringData") or {})
    return out


def mount_source(mount, volumes):
    """(kind, name, key) of what a volumeMount shows: ("configMap", name, None) etc."""
    volume = volumes.get(mount.get("name"))
    if volume is None:
        return None
    if "configMap" in volume:
        return ("configMap", volume["configMap"].get("name"), volume)
    if "secret" in volume:
        return ("secret", volume["secret"].get("secretName"), volume)
    return ("other", None, volume)


def collector_config(m):
    """(config dict, ConfigMap, key) of the config the container's -c names, or errors."""
    errors = []
    sts = m.of_kind("StatefulSet")
    if len(sts) != 1:
        return None, [f"expected one StatefulSet, found {len(sts)}"]
    pod = sts[0].get("spec", {}).get("template", {}).get("spec", {})
    containers = pod.get("containers") or []
    if not containers:
        return None, ["StatefulSet: no container"]
    c = containers[0]
    path = config_arg(c.get("args") or [])
    if path is None:
        return None, ["StatefulSet: the container's args name no -c CONFIG"]
    volumes = {v.get("name"): v for v in pod.get("volumes") or []}
    for mount in c.get("volumeMounts") or []:
        mp = mount.get("mountPath", "").rstrip("/")
        if not path.startswith(mp + "/"):
            continue
        src = mount_source(mount, volumes)
        if src is None or src[0] != "configMap":
            continue
        key = mount.get("subPath") or path[len(mp) + 1:]
        cm = m.named("ConfigMap", src[1])
        if cm is None:
            return None, [f"StatefulSet: volume {mount['name']} names ConfigMap {src[1]}, which is not in the manifests"]
        text = (cm.get("data") or {}).get(key)
        if text is None:
            return None, [f"StatefulSet: -c {path}: ConfigMap {src[1]} has no key {key}"]
        try:
            return (json.loads(text), cm, key), errors
        except json.JSONDecodeError as e:
            return None, [f"ConfigMap {src[1]}: {key} is not valid JSON: {e}"]
    return None, [f"StatefulSet: -c {path} is not a file of a ConfigMap volume mounted in the container"]


def check(m, version):
    """Every problem found, one line each."""
    errors = list(m.errors)
    k = m.kustomization
    if k is None:
        return errors + [f"no {KUSTOMIZATION}"]
    # -- The kustomization ties every file, and one namespace.
    files = {name for name, _ in m.objects}
    listed = set(k.get("resources") or [])
    for r in sorted(listed - files):
        errors.append(f"{KUSTOMIZATION}: resource {r} does not exist (or holds no object)")
    for f in sorted(files - listed):
        errors.append(f"{KUSTOMIZATION}: {f} is not listed in resources, so apply -k leaves it out")
    namespace = k.get("namespace")
    if not namespace:
        errors.append(f"{KUSTOMIZATION}: no namespace")
    elif m.named("Namespace", namespace) is None:
        errors.append(f"{KUSTOMIZATION}: namespace {namespace} has no Namespace object")
    seen = set()
    for name, o in m.objects:
        if not isinstance(o, dict) or not o.get("apiVersion") or not o.get("kind"):
            errors.append(f"{name}: an object without apiVersion and kind")
            continue
        meta = o.get("metadata") or {}
        if not meta.get("name"):
            errors.append(f"{name}: {o['kind']} without metadata.name")
        ident = (o["kind"], meta.get("name"))
        if ident in seen:
            errors.append(f"{name}: {o['kind']} {meta.get('name')} defined twice")
        seen.add(ident)
        if meta.get("namespace") not in (None, namespace):
            errors.append(f"{name}: {o['kind']} {meta.get('name')} in namespace {meta['namespace']}, not {namespace}")

    sts_list = m.of_kind("StatefulSet")
    if len(sts_list) != 1:
        return errors + [f"expected one StatefulSet, found {len(sts_list)}"]
    sts = sts_list[0]
    spec = sts.get("spec") or {}
    template = spec.get("template") or {}
    pod_labels = (template.get("metadata") or {}).get("labels") or {}
    pod = template.get("spec") or {}
    replicas = spec.get("replicas")
    if not isinstance(replicas, int) or replicas < 1:
        errors.append(f"StatefulSet: replicas {replicas!r} is not a whole number >= 1")
    # -- Selectors against the pod's labels.
    if not subset((spec.get("selector") or {}).get("matchLabels") or {}, pod_labels):
        errors.append("StatefulSet: selector.matchLabels do not match the pod template's labels")
    service = m.named("Service", spec.get("serviceName"))
    if service is None:
        errors.append(f"StatefulSet: serviceName {spec.get('serviceName')} is not a Service in the manifests")
    elif (service.get("spec") or {}).get("clusterIP") != "None":
        errors.append(f"Service {spec.get('serviceName')}: the StatefulSet's governing Service must be headless (clusterIP: None)")
    for svc in m.of_kind("Service"):
        if not subset((svc.get("spec") or {}).get("selector") or {}, pod_labels):
            errors.append(f"Service {svc['metadata'].get('name')}: selector does not match the pod labels")
    pdbs = m.of_kind("PodDisruptionBudget")
    if not pdbs:
        errors.append("no PodDisruptionBudget")
    for pdb in pdbs:
        if not subset(((pdb.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}, pod_labels):
            errors.append(f"PodDisruptionBudget {pdb['metadata'].get('name')}: selector does not match the pod labels")

    containers = pod.get("containers") or []
    if len(containers) != 1:
        return errors + [f"StatefulSet: expected one container, found {len(containers)}"]
    c = containers[0]
    args = c.get("args") or []
    # -- The shard count is the replica count.
    shard = shard_arg(args)
    if shard != f"auto/{replicas}":
        errors.append(f"StatefulSet: the container's --shard is {shard!r}, expected 'auto/{replicas}' (replicas {replicas}): "
                      "each pod must take its shard from its ordinal, over as many shards as there are replicas")
    # -- The image: a pinned release tag, the kustomization's, the project's.
    image = c.get("image") or ""
    name, _, tag = image.rpartition(":") if ":" in image.split("/")[-1] else (image, "", "")
    if not tag or tag == "latest":
        errors.append(f"StatefulSet: image {image!r} has no release tag (never :latest)")
    images = {i.get("name"): i for i in k.get("images") or []}
    if name not in images:
        errors.append(f"{KUSTOMIZATION}: images has no entry for {name!r}, the StatefulSet's image")
    elif str(images[name].get("newTag")) != tag:
        errors.append(f"{KUSTOMIZATION}: images newTag {images[name].get('newTag')!r} is not the StatefulSet's tag {tag!r}")
    if version and tag and tag != version:
        errors.append(f"StatefulSet: image tag {tag} is not the release {version} (project VERSION in CMakeLists.txt)")
    # -- Ports: the Service's and the probes' against the container's.
    ports = {p.get("name"): p.get("containerPort") for p in c.get("ports") or []}
    numbers = set(ports.values())

    def port_known(port):
        return port in ports if isinstance(port, str) else port in numbers

    for svc in m.of_kind("Service"):
        for p in (svc.get("spec") or {}).get("ports") or []:
            target = p.get("targetPort", p.get("port"))
            if not port_known(target):
                errors.append(f"Service {svc['metadata'].get('name')}: targetPort {target!r} is not a port of the container")
    for probe_name in ("readinessProbe", "livenessProbe"):
        probe = c.get(probe_name)
        if not probe:
            errors.append(f"StatefulSet: no {probe_name}")
            continue
        get = probe.get("httpGet") or {}
        if not port_known(get.get("port")):
            errors.append(f"StatefulSet: {probe_name} port {get.get('port')!r} is not a port of the container")
        if get.get("path") not in ("/healthz", "/metrics"):
            errors.append(f"StatefulSet: {probe_name} path {get.get('path')!r}: the daemon serves /healthz and /metrics only")
    if (c.get("readinessProbe") or {}).get("httpGet", {}).get("path") != "/healthz":
        errors.append("StatefulSet: readinessProbe must ask /healthz (every stream healthy)")
    # -- Volumes, ConfigMaps and Secrets by name and key.
    volumes = {v.get("name"): v for v in pod.get("volumes") or []}
    claims = {t.get("metadata", {}).get("name") for t in spec.get("volumeClaimTemplates") or []}
    for mount in c.get("volumeMounts") or []:
        if mount.get("name") not in volumes and mount.get("name") not in claims:
            errors.append(f"StatefulSet: volumeMount {mount.get('name')} has no volume or volumeClaimTemplate")
    for vname, v in volumes.items():
        if "configMap" in v:
            ref, kind, keys = v["configMap"].get("name"), "ConfigMap", None
            obj = m.named(kind, ref)
            keys = set((obj or {}).get("data") or {})
        elif "secret" in v:
            ref, kind = v["secret"].get("secretName"), "Secret"
            obj = m.named(kind, ref)
            keys = set(secret_data(obj or {}))
        else:
            continue
        if obj is None:
            errors.append(f"StatefulSet: volume {vname} names {kind} {ref}, which is not in the manifests")
            continue
        src = v.get("configMap") or v.get("secret")
        for item in src.get("items") or []:
            if item.get("key") not in keys:
                errors.append(f"StatefulSet: volume {vname}: {kind} {ref} has no key {item.get('key')}")
    # -- Security: what docs/kubernetes.md promises.
    psc = pod.get("securityContext") or {}
    csc = c.get("securityContext") or {}
    if psc.get("runAsNonRoot") is not True and csc.get("runAsNonRoot") is not True:
        errors.append("StatefulSet: runAsNonRoot is not true")
    if psc.get("runAsUser", csc.get("runAsUser")) == 0:
        errors.append("StatefulSet: runAsUser 0")
    if (psc.get("seccompProfile") or csc.get("seccompProfile") or {}).get("type") != "RuntimeDefault":
        errors.append("StatefulSet: seccompProfile is not RuntimeDefault")
    if csc.get("readOnlyRootFilesystem") is not True:
        errors.append("StatefulSet: readOnlyRootFilesystem is not true")
    if csc.get("allowPrivilegeEscalation") is not False:
        errors.append("StatefulSet: allowPrivilegeEscalation is not false")
    if csc.get("privileged"):
        errors.append("StatefulSet: privileged")
    caps = csc.get("capabilities") or {}
    if "ALL" not in (caps.get("drop") or []) or caps.get("add"):
        errors.append("StatefulSet: capabilities must drop ALL and add none")
    grace = pod.get("terminationGracePeriodSeconds", 30)
    if not isinstance(grace, int) or grace < MIN_GRACE_SECONDS:
        errors.append(f"StatefulSet: terminationGracePeriodSeconds {grace!r} is too short to finish a delivery "
                      f"(at least {MIN_GRACE_SECONDS})")
    # -- The config against the pod.
    loaded, config_errors = collector_config(m)
    errors += config_errors
    if loaded is None:
        return errors
    config, _, _ = loaded
    mounts = {mt.get("name"): mt.get("mountPath", "").rstrip("/") for mt in c.get("volumeMounts") or []}
    state_mounts = [mounts[n] for n in claims if n in mounts]
    if config.get("state_dir", "").rstrip("/") not in state_mounts:
        errors.append(f"ConfigMap: state_dir {config.get('state_dir')!r} is not the mount of a volumeClaimTemplate "
                      f"({', '.join(state_mounts) or 'none'}): checkpoints would not survive a restart")
    listen = (config.get("metrics") or {}).get("listen", "")
    host, _, port = listen.rpartition(":")
    if host != "0.0.0.0":
        errors.append(f"ConfigMap: metrics.listen {listen!r} must listen on 0.0.0.0 for the probes and Prometheus")
    if not port.isdigit() or int(port) not in numbers:
        errors.append(f"ConfigMap: metrics.listen port {port!r} is not a port of the container {sorted(numbers)}")
    env = {e.get("name"): e.get("value") for e in c.get("env") or []}
    secret_mounts = {}
    for mount in c.get("volumeMounts") or []:
        src = mount_source(mount, volumes)
        if src and src[0] == "secret":
            secret_mounts[mount.get("mountPath", "").rstrip("/")] = m.named("Secret", src[1])
    for where, ref in secret_refs(config):
        path = ref if ref.startswith("/") else os.path.join(env.get("CREDENTIALS_DIRECTORY") or "", ref)
        if not ref.startswith("/") and not env.get("CREDENTIALS_DIRECTORY"):
            errors.append(f"ConfigMap: {where}: relative file {ref!r} but the container sets no CREDENTIALS_DIRECTORY")
            continue
        directory, key = os.path.dirname(path), os.path.basename(path)
        secret = secret_mounts.get(directory)
        if secret is None:
            errors.append(f"ConfigMap: {where}: {path} is not in a mounted Secret ({', '.join(secret_mounts) or 'none'})")
        elif key not in secret_data(secret):
            errors.append(f"ConfigMap: {where}: Secret {secret['metadata']['name']} has no key {key}")
    return errors


def secret_refs(config):
    """(json path, file) of every {"file": ...} secret in the config."""
    out = []

    def walk(node, path):
        if isinstance(node, dict):
            if set(node) == {"file"} and isinstance(node["file"], str):
                out.append((path, node["file"]))
                return
            for key, value in node.items():
                walk(value, f"{path}.{key}" if path else key)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}[{i}]")

    walk(config, "")
    return out


def run_check_config(m, collector):
    """Runs `collector check-config` on the ConfigMap's config, the Secret's
    files in a temporary $CREDENTIALS_DIRECTORY, whole and per shard."""
    loaded, errors = collector_config(m)
    if loaded is None:
        return errors
    config = copy.deepcopy(loaded[0])
    sts = m.of_kind("StatefulSet")[0]
    c = sts["spec"]["template"]["spec"]["containers"][0]
    env = {e.get("name"): e.get("value") for e in c.get("env") or []}
    creds_dir = (env.get("CREDENTIALS_DIRECTORY") or "").rstrip("/")
    replicas = sts["spec"].get("replicas", 1)
    with tempfile.TemporaryDirectory(prefix="s1c-manifests-") as tmp:
        creds = os.path.join(tmp, "credentials")
        os.mkdir(creds, 0o700)
        for secret in m.of_kind("Secret"):
            for key, value in secret_data(secret).items():
                fd = os.open(os.path.join(creds, key), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w") as f:
                    f.write(value)

        # An absolute secret path under the credentials mount reads the same file here.
        def relocate(node):
            if isinstance(node, dict):
                if set(node) == {"file"} and creds_dir and node["file"].startswith(creds_dir + "/"):
                    node["file"] = node["file"][len(creds_dir) + 1:]
                for value in node.values():
                    relocate(value)
            elif isinstance(node, list):
                for value in node:
                    relocate(value)

        relocate(config)
        path = os.path.join(tmp, "config.json")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(config, f)
        run_env = dict(os.environ, CREDENTIALS_DIRECTORY=creds)
        whole = subprocess.run([collector, "check-config", "-c", path], env=run_env,
                               capture_output=True, text=True, timeout=120)
        if whole.returncode != 0:
            return [f"check-config refuses the ConfigMap's config (exit {whole.returncode}):\n"
                    f"{whole.stdout}{whole.stderr}"]
        owned = 0
        for i in range(replicas):
            run = subprocess.run([collector, "check-config", "-c", path, "--shard", f"{i}/{replicas}"],
                                 env=run_env, capture_output=True, text=True, timeout=120)
            found = re.search(rf"Shard {i}/{replicas} owns (\d+) of (\d+) consoles", run.stdout)
            if run.returncode != 0 or not found:
                return [f"check-config --shard {i}/{replicas} failed (exit {run.returncode}):\n{run.stdout}{run.stderr}"]
            owned += int(found.group(1))
        if owned != len(config.get("consoles") or []):
            errors.append(f"the {replicas} shards own {owned} consoles in all, not the config's {len(config['consoles'])}")
    return errors


# Known mistakes, each of which check() must report.
def _statefulset(m):
    return m.of_kind("StatefulSet")[0]


def _container(m):
    return _statefulset(m)["spec"]["template"]["spec"]["containers"][0]


def _config_edit(edit):
    def mutate(m):
        cm = m.named("ConfigMap", _statefulset(m)["spec"]["template"]["spec"]["volumes"][0]["configMap"]["name"])
        key = next(iter(cm["data"]))
        config = json.loads(cm["data"][key])
        edit(config)
        cm["data"][key] = json.dumps(config)
    return mutate


MUTATIONS = [
    ("replicas scaled without --shard", lambda m: _statefulset(m)["spec"].update(replicas=4)),
    ("--shard with a fixed index", lambda m: _container(m).update(
        args=[a.replace("auto/", "0/") for a in _container(m)["args"]])),
    ("pod label renamed", lambda m: _statefulset(m)["spec"]["template"]["metadata"]["labels"].update(
        {"app.kubernetes.io/name": "collector"})),
    ("Service targetPort wrong", lambda m: m.of_kind("Service")[0]["spec"]["ports"][0].update(targetPort="http")),
    ("readiness probe port wrong", lambda m: _container(m)["readinessProbe"]["httpGet"].update(port=8080)),
    ("readiness probe path wrong", lambda m: _container(m)["readinessProbe"]["httpGet"].update(path="/health")),
    ("Secret volume names another Secret", lambda m: next(
        v for v in _statefulset(m)["spec"]["template"]["spec"]["volumes"] if "secret" in v)["secret"].update(
        secretName="s1-secrets")),
    ("ConfigMap volume names another ConfigMap", lambda m: next(
        v for v in _statefulset(m)["spec"]["template"]["spec"]["volumes"] if "configMap" in v)["configMap"].update(
        name="config")),
    ("state volume mount renamed", lambda m: _container(m)["volumeMounts"][-1].update(name="data")),
    ("image :latest", lambda m: _container(m).update(image="s1-collector:latest")),
    ("kustomization tag differs", lambda m: m.kustomization["images"][0].update(newTag="9.9.9")),
    ("root file system writable", lambda m: _container(m)["securityContext"].update(readOnlyRootFilesystem=False)),
    ("capabilities kept", lambda m: _container(m)["securityContext"].update(capabilities={})),
    ("no seccomp profile", lambda m: _statefulset(m)["spec"]["template"]["spec"]["securityContext"].pop(
        "seccompProfile")),
    ("grace period too short", lambda m: _statefulset(m)["spec"]["template"]["spec"].update(
        terminationGracePeriodSeconds=2)),
    ("state_dir off the volume", _config_edit(lambda c: c.update(state_dir="/tmp/state"))),
    ("metrics on loopback", _config_edit(lambda c: c.update(metrics={"listen": "127.0.0.1:9464"}))),
    ("metrics on another port", _config_edit(lambda c: c.update(metrics={"listen": "0.0.0.0:9100"}))),
    ("secret file missing from the Secret", _config_edit(
        lambda c: c["consoles"][0].update(api_token={"file": "no-such-key"}))),
    ("file not listed in the kustomization", lambda m: m.kustomization["resources"].pop()),
    ("namespace object missing", lambda m: m.objects.__setitem__(
        slice(None), [(f, o) for f, o in m.objects if o.get("kind") != "Namespace"])),
]


def self_test(directory, version):
    base = Manifests(directory)
    clean = check(base, version)
    if clean:
        print("self-test: the manifests themselves are not clean:\n  " + "\n  ".join(clean))
        return 1
    missed = []
    for name, mutate in MUTATIONS:
        m = copy.deepcopy(base)
        mutate(m)
        if not check(m, version):
            missed.append(name)
    for name in missed:
        print(f"self-test: not caught: {name}")
    print(f"self-test: {len(MUTATIONS) - len(missed)} of {len(MUTATIONS)} known mistakes caught")
    return 1 if missed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", default=os.path.join(REPO, "deploy", "kubernetes"))
    parser.add_argument("--collector", help="an s1-collector binary: also run check-config on the ConfigMap's config")
    parser.add_argument("--self-test", action="store_true", help="check that each known mistake is caught")
    args = parser.parse_args()
    version = project_version()
    if args.self_test:
        return self_test(args.dir, version)
    m = Manifests(args.dir)
    errors = check(m, version)
    if not errors and args.collector:
        errors = run_check_config(m, args.collector)
    for e in errors:
        print(f"check-manifests: {e}")
    if errors:
        return 1
    objects = ", ".join(f"{o['kind']} {o['metadata']['name']}" for _, o in m.objects)
    print(f"check-manifests: {args.dir} is clean: {objects}"
          + ("; check-config accepts the ConfigMap's config, and its shards own every console once"
             if args.collector else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
