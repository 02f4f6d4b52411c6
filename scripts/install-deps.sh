#!/bin/sh
# Installs the system packages the build and the tests need, on Debian, as root.
# Safe to run again: it only calls apt-get when something is missing.
set -eu
# python3: Debian's own interpreter, which the security tests run as another user (one under
# root's home, such as pyenv's, is out of their reach); wrk: the load of the renewal test;
# iproute2: the network namespaces of the multi-host test; systemd: systemd-analyze, which
# checks the unit of 'zwe export systemd'; unzip: 'zwe components install' unpacks .zip
# components with it (tar, for .tar/.tar.gz/.pax, is part of every Debian system).
packages="libssl-dev libyaml-dev openssl default-jre-headless chromium chromium-driver curl python3 wrk iproute2 systemd unzip"
missing=""
for package in $packages; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $package"
  fi
done
if [ -n "$missing" ]; then
  echo "Installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  # shellcheck disable=SC2086
  apt-get install -y $missing
fi
# The JES explorer's browser test drives Chromium through chromedriver with selenium.
if ! python3 -c "import selenium" 2>/dev/null; then
  python3 -m pip install --quiet selenium
fi
# The export tests check the Kubernetes manifests offline with kubernetes-validate (its
# schemas are in the package: no cluster needed) and read them back with PyYAML.
if ! command -v kubernetes-validate >/dev/null 2>&1; then
  python3 -m pip install --quiet kubernetes-validate
fi
if ! python3 -c "import yaml" 2>/dev/null; then
  python3 -m pip install --quiet pyyaml
fi
# The metrics tests read every scrape with the reference parser of prometheus_client.
if ! python3 -c "import prometheus_client" 2>/dev/null; then
  python3 -m pip install --quiet prometheus_client
fi
for tool in openssl keytool systemd-analyze kubernetes-validate ip unzip tar; do
  command -v "$tool" >/dev/null || { echo "$tool is not on PATH after installing $packages" >&2; exit 1; }
done
