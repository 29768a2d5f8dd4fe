"""This computer's addresses on the local network, found without sending any traffic.
(run.py chooses the port: it runs before the kit's Python exists.)"""

from __future__ import annotations

import ipaddress
import json
import socket
import subprocess

PROBE = "10.255.255.255"  # a private address: connect() on UDP only picks a route, nothing is sent


def _usable(ip: str) -> bool:
    try:
        a = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return a.version == 4 and not (a.is_loopback or a.is_link_local or a.is_unspecified or a.is_multicast)


def _routed_address() -> list[str]:
    """The source address the kernel would use toward a private network (no packet leaves)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect((PROBE, 9))
            return [s.getsockname()[0]]
        except OSError:
            return []


def _ip_command() -> list[str]:
    """Addresses listed by ``ip -j addr`` (Linux), interfaces that are up only."""
    try:
        out = subprocess.run(["ip", "-j", "-4", "addr", "show", "up"], capture_output=True, text=True,
                             timeout=5, check=True).stdout
        return [a["local"] for iface in json.loads(out) for a in iface.get("addr_info", []) if "local" in a]
    except (OSError, ValueError, subprocess.SubprocessError, KeyError, TypeError):
        return []


def _hostname() -> list[str]:
    try:
        return [i[4][0] for i in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)]
    except OSError:
        return []


def lan_addresses() -> list[str]:
    """IPv4 addresses other machines on the network may reach this one at, most likely first;
    empty when the computer is on no network."""
    found: list[str] = []
    for source in (_routed_address, _ip_command, _hostname):
        for ip in source():
            if _usable(ip) and ip not in found:
                found.append(ip)
    return found
