"""HSTS preload-list truth (H6, issue 17 point 3): the world's list
(hsts_preload.json beside its world file, Chromium's
transport_security_state_static.json format with // comment lines) and
the hsts_preloaded rule of docs/web.md, written from the doc, not the C."""

import json
import os

LIST_NAME = "hsts_preload.json"


def list_path(world):
    """The world's list file, or None when it ships none."""
    p = os.path.join(os.path.dirname(os.path.abspath(world.path)), LIST_NAME)
    return p if os.path.isfile(p) else None


def load(path):
    """{name: include_subdomains} of the entries with mode force-https."""
    with open(path, encoding="utf-8") as f:
        text = "".join(ln for ln in f if not ln.lstrip().startswith("//"))
    out = {}
    for e in json.loads(text)["entries"]:
        if e.get("mode") == "force-https":
            out[e["name"].lower().rstrip(".")] = bool(e.get("include_subdomains", False))
    return out


def preloaded(entries, host):
    """host listed, or below a listed name with include_subdomains."""
    labels = host.lower().rstrip(".").split(".")
    if ".".join(labels) in entries:
        return True
    return any(entries.get(".".join(labels[i:])) for i in range(1, len(labels)))
