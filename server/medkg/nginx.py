"""``medkg nginx-config``: nginx (Debian's, 1.22+) in front of N ``medkg serve`` nodes, tested in tests/test_rollout.py.

Nodes are stateless over a copied build, so scaling out is N nodes behind one nginx:

- health: nginx (open source) checks passively — a node that refuses or drops a connection is left out for
  ``fail_timeout`` and tried again afterwards; ``/-/health`` (status, build id, triples, store) is what a roll-out
  script and a monitoring probe ask each node directly (README, "Running in production");
- retries: a request that fails on one node (connection refused, reset, timed out, or a 502/503/504) is passed to
  the next node, up to ``tries`` nodes, but only within ``retry_window`` seconds of its start: a node killed or
  restarted mid-request costs its clients nothing, while a query the node stopped at its time limit (10 s by
  default: the worker running it is killed) is *not* sent on to kill a worker on the next node. medkg is
  read-only, so every request, POSTed SPARQL queries included, is safe to repeat (``non_idempotent``);
- slow clients: nginx buffers request bodies and answers, so a client that trickles its request or reads its
  answer slowly holds an nginx connection, never a medkg worker thread.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

TEMPLATE = """\
# nginx in front of {count} medkg serve node(s); made by 'medkg nginx-config' (see its --help and the README).
upstream medkg {{
{servers}
    keepalive 64;  # connections kept open to the nodes
}}

server {{
    listen {listen};
    server_name {server_name};

    client_max_body_size 1m;       # a SPARQL query or form: never larger
    client_body_timeout 10s;       # a client that trickles its request is cut off here, not in a worker
    send_timeout 30s;

    location / {{
        proxy_pass http://medkg;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_connect_timeout 2s;
        proxy_read_timeout 60s;
        proxy_buffering on;
        # a failed node's requests go to the next node (medkg is read-only: every request may be repeated),
        # but only early in a request's life: a query stopped at the time limit is not sent on
        proxy_next_upstream error timeout http_502 http_503 http_504 non_idempotent;
        proxy_next_upstream_tries {tries};
        proxy_next_upstream_timeout {retry_window}s;
    }}
}}
"""


def config(nodes: Sequence[str], listen: str = "80", server_name: str = "_", tries: int = 3,
           retry_window: float = 5.0, fail_timeout: float = 5.0) -> str:
    """The nginx configuration (an ``http``-level snippet: upstream and server) for ``nodes`` (host:port)."""
    if not nodes:
        raise ValueError("name at least one node (host:port of a 'medkg serve')")
    servers = "\n".join(f"    server {node} max_fails=1 fail_timeout={fail_timeout:g}s;" for node in nodes)
    return TEMPLATE.format(count=len(nodes), servers=servers, listen=listen, server_name=server_name,
                           tries=min(tries, len(nodes)), retry_window=f"{retry_window:g}")


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("nodes", nargs="+", help="host:port of each 'medkg serve' node")
    p.add_argument("--listen", default="80", help="what nginx listens on (default 80; e.g. 443 ssl, 127.0.0.1:8080)")
    p.add_argument("--server-name", default="_", help="the public host name (default: any)")
    p.add_argument("--tries", type=int, default=3, help="nodes one request may be tried on (default 3)")
    p.add_argument("--retry-window", type=float, default=5.0,
                   help="seconds into a request after which it is no longer retried (default 5; keep it below "
                        "MEDKG_QUERY_TIMEOUT)")
    p.epilog = "Install: medkg nginx-config ... > /etc/nginx/conf.d/medkg.conf && nginx -t && nginx -s reload"


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(config(args.nodes, args.listen, args.server_name, args.tries, args.retry_window))
    return 0
