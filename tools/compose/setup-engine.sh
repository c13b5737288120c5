#!/bin/bash
# The compose test's engine (tests/test_compose.py): Debian's podman 4.3 and podman-compose 1.0.3,
# configured for a sandbox (no raised rlimits, cgroups v1, no systemd), and a local base image
# made with debootstrap from apt's own mirror, since no image registry is reachable here (the
# Dockerfile takes it as `--build-arg BASE=...`; users keep python:3.11-slim). Needs root.
# Idempotent: each step is skipped when its result is there (FORCE_BASE=1 rebuilds the base).
# .ci/run calls it; locally: sudo bash tools/compose/setup-engine.sh
set -euo pipefail

BASE_IMAGE=${BASE_IMAGE:-localhost/mock-enswitch-base:bookworm}
ROOTFS=${ROOTFS:-/var/tmp/mock-enswitch-base-rootfs}
CA_BUNDLE=${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}

# The mirror apt already uses on this machine (deb822 sources or the classic list).
MIRROR=${MIRROR:-$(
    { grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}';
      grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}'; } \
    | grep -E '/debian/?$' | head -n1 || true)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}

t0=$(date +%s.%N)
step() { # step NAME START: print how long the step took
    awk -v a="$2" -v b="$(date +%s.%N)" -v n="$1" 'BEGIN { printf "[timing] %-22s %6.1f s\n", n, b - a }'
}

# 1. Packages --------------------------------------------------------------------------------
s=$(date +%s.%N)
need=()
# iptables: netavark 1.4 calls the iptables binary (without it: "netavark: No such file or directory")
for p in podman podman-compose runc netavark aardvark-dns iptables debootstrap python3-venv; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if ((${#need[@]})); then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
step "install packages" "$s"

# 2. Engine configuration --------------------------------------------------------------------
s=$(date +%s.%N)
# The sandbox refuses to raise rlimits (the default nproc/nofile ulimits fail with EPERM), it has
# cgroups v1 and no systemd: runc (the tested runtime), cgroupfs, file events, netavark (its
# aardvark-dns resolves compose service names).
cat >/etc/containers/containers.conf <<'EOF'
# Written by setup-engine.sh (mock-enswitch compose test)
[containers]
default_ulimits = []

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"

[network]
network_backend = "netavark"
EOF
# Unqualified names (python:3.11-slim) would need a registry: none is reachable; keep local only.
podman info --format '{{.Host.OCIRuntime.Name}} {{.Host.NetworkBackend}} {{.Host.CgroupManager}}'
step "configure engine" "$s"

# 3. Base image: Debian bookworm minbase + python3 + pip + venv + the host's CA bundle --------
s=$(date +%s.%N)
if [[ -n ${FORCE_BASE:-} ]] || ! podman image exists "$BASE_IMAGE"; then
    rm -rf "$ROOTFS"
    s2=$(date +%s.%N)
    debootstrap --variant=minbase bookworm "$ROOTFS" "$MIRROR" >/var/tmp/debootstrap.log 2>&1 \
        || { tail -20 /var/tmp/debootstrap.log; exit 1; }
    step "  debootstrap" "$s2"
    s2=$(date +%s.%N)
    cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
    cp /etc/hosts "$ROOTFS/etc/hosts"
    chroot "$ROOTFS" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive chroot "$ROOTFS" apt-get install -y -qq --no-install-recommends \
        python3 python3-pip python3-venv ca-certificates >/dev/null
    # `python` as in the official python images (the Dockerfile's health check and users' habits)
    ln -sf python3 "$ROOTFS/usr/bin/python"
    chroot "$ROOTFS" apt-get clean
    rm -rf "$ROOTFS"/var/lib/apt/lists/*
    step "  apt in chroot" "$s2"
    # This machine reaches PyPI through a TLS-intercepting proxy: its CA bundle goes in the image.
    cp "$CA_BUNDLE" "$ROOTFS/etc/ssl/certs/ca-certificates.crt"
    # /etc/hosts and resolv.conf are the engine's at run time: leave empty files.
    : >"$ROOTFS/etc/resolv.conf"
    : >"$ROOTFS/etc/hosts"
    s2=$(date +%s.%N)
    tar -C "$ROOTFS" -c . | podman import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
        --change 'ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt' \
        --change 'ENV PIP_BREAK_SYSTEM_PACKAGES=1' \
        --change 'ENV PIP_DISABLE_PIP_VERSION_CHECK=1' \
        --change 'ENV PIP_DEFAULT_TIMEOUT=180' \
        --change 'CMD ["python3"]' \
        - "$BASE_IMAGE" >/dev/null
    rm -rf "$ROOTFS"
    step "  podman import" "$s2"
fi
podman run --rm --no-healthcheck "$BASE_IMAGE" sh -c 'python --version && python3 -m pip --version && command -v useradd'
step "base image" "$s"

step "TOTAL setup" "$t0"
